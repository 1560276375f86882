use opbx::domain::destination::Destination;
use opbx::domain::e164::E164;
use opbx::domain::ids::{ExtensionId, OrgId, ScheduleId};
use opbx::domain::model::{
    BusinessHours, ExceptionMode, ManualOverride, OverrideMode, ScheduleException, Status,
    WeeklyRange,
};
use opbx::domain::timezone::Timezone;
use opbx::ports::business_hours::BusinessHoursRepo;
use opbx::ports::store::{ListFilter, PageRequest, StoreError};
use opbx_tests::{Backend, new_org};

use crate::ivr_menus::{count_rows, insert_phone_number};

fn range(weekday: i32, start_minute: i32, end_minute: i32) -> WeeklyRange {
    WeeklyRange {
        weekday,
        start_minute,
        end_minute,
    }
}

fn schedule(org: OrgId, name: &str) -> BusinessHours {
    BusinessHours {
        id: ScheduleId::new(),
        organization_id: org,
        name: name.into(),
        timezone: Timezone::parse("America/New_York").unwrap(),
        open: Destination::ExternalNumber {
            number: E164::parse("+12125550100").unwrap(),
        },
        closed: Destination::Voicemail {
            id: ExtensionId::new(),
        },
        // Not in weekday order, and one range crossing midnight: kept exactly as given.
        ranges: vec![
            range(5, 540, 1020),
            range(1, 480, 1080),
            range(6, 1320, 120),
        ],
        exceptions: vec![
            ScheduleException {
                name: "Christmas".into(),
                start_date: "2026-12-25".into(),
                end_date: "2026-12-26".into(),
                mode: ExceptionMode::Closed,
                destination: Some(Destination::Hangup),
            },
            ScheduleException {
                name: "Black Friday".into(),
                start_date: "2026-11-27".into(),
                end_date: "2026-11-27".into(),
                mode: ExceptionMode::Open,
                destination: None,
            },
        ],
        manual_override: Some(ManualOverride {
            mode: OverrideMode::Closed,
            until: Some(1_800_000_000_000),
        }),
        status: Status::Active,
        created_at: 1_700_000_000_000,
        updated_at: 1_700_000_000_000,
    }
}

fn expect_name_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    match result {
        Err(StoreError::Conflict(what)) => assert_eq!(what, "business hours name"),
        other => panic!("expected a name conflict, got {other:?}"),
    }
}

async fn schedule_round_trips_with_ranges_and_exceptions(b: Backend) {
    let org = new_org(&b.store).await;
    let s = schedule(org.id, "Office hours");
    b.store.create_business_hours(&s, &[]).await.unwrap();
    assert_eq!(b.store.find_business_hours(org.id, s.id).await.unwrap(), s);

    let mut plain = schedule(org.id, "Always closed");
    plain.ranges.clear();
    plain.exceptions.clear();
    plain.manual_override = Some(ManualOverride {
        mode: OverrideMode::Open,
        until: None,
    });
    b.store.create_business_hours(&plain, &[]).await.unwrap();
    assert_eq!(
        b.store.find_business_hours(org.id, plain.id).await.unwrap(),
        plain
    );

    let listed = b
        .store
        .list_business_hours(org.id, &ListFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items, vec![plain, s]);
}

async fn update_replaces_ranges_and_exceptions(b: Backend) {
    let org = new_org(&b.store).await;
    let mut s = schedule(org.id, "Office hours");
    b.store.create_business_hours(&s, &[]).await.unwrap();

    s.name = "Support hours".into();
    s.timezone = Timezone::parse("Europe/Berlin").unwrap();
    s.open = Destination::IvrMenu {
        id: opbx::domain::ids::IvrMenuId::new(),
    };
    s.closed = Destination::Hangup;
    s.ranges = vec![range(7, 600, 900)];
    s.exceptions = vec![ScheduleException {
        name: "Inventory".into(),
        start_date: "2027-01-02".into(),
        end_date: "2027-01-03".into(),
        mode: ExceptionMode::Closed,
        destination: None,
    }];
    s.manual_override = None;
    s.status = Status::Inactive;
    s.updated_at += 60_000;
    b.store.update_business_hours(&s, &[]).await.unwrap();
    assert_eq!(b.store.find_business_hours(org.id, s.id).await.unwrap(), s);

    s.ranges.clear();
    s.exceptions.clear();
    b.store.update_business_hours(&s, &[]).await.unwrap();
    assert_eq!(b.store.find_business_hours(org.id, s.id).await.unwrap(), s);
    let id = s.id.to_string();
    assert_eq!(
        count_rows(&b.store, "business_hours_ranges", "schedule_id", &id).await,
        0
    );
    assert_eq!(
        count_rows(&b.store, "business_hours_exceptions", "schedule_id", &id).await,
        0
    );
}

async fn names_are_unique_per_organization_ignoring_case(b: Backend) {
    let org = new_org(&b.store).await;
    let s = schedule(org.id, "Office Hours");
    b.store.create_business_hours(&s, &[]).await.unwrap();
    let twin = schedule(org.id, "office hours");
    expect_name_conflict(b.store.create_business_hours(&twin, &[]).await);
    assert_eq!(
        count_rows(
            &b.store,
            "business_hours_ranges",
            "schedule_id",
            &twin.id.to_string()
        )
        .await,
        0
    );

    let mut other = schedule(org.id, "Weekend");
    b.store.create_business_hours(&other, &[]).await.unwrap();
    let before = other.clone();
    other.name = "OFFICE HOURS".into();
    other.ranges.clear();
    expect_name_conflict(b.store.update_business_hours(&other, &[]).await);
    assert_eq!(
        b.store.find_business_hours(org.id, other.id).await.unwrap(),
        before
    );

    let elsewhere = new_org(&b.store).await;
    b.store
        .create_business_hours(&schedule(elsewhere.id, "Office Hours"), &[])
        .await
        .unwrap();
}

async fn delete_removes_schedule_and_children(b: Backend) {
    let org = new_org(&b.store).await;
    let s = schedule(org.id, "Office hours");
    b.store.create_business_hours(&s, &[]).await.unwrap();
    b.store
        .delete_business_hours(org.id, s.id, &[])
        .await
        .unwrap();

    assert!(matches!(
        b.store.find_business_hours(org.id, s.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.delete_business_hours(org.id, s.id, &[]).await,
        Err(StoreError::NotFound)
    ));
    let id = s.id.to_string();
    assert_eq!(
        count_rows(&b.store, "business_hours_ranges", "schedule_id", &id).await,
        0
    );
    assert_eq!(
        count_rows(&b.store, "business_hours_exceptions", "schedule_id", &id).await,
        0
    );
}

async fn routed_to_schedule_cannot_be_deleted(b: Backend) {
    let org = new_org(&b.store).await;
    let s = schedule(org.id, "Office hours");
    b.store.create_business_hours(&s, &[]).await.unwrap();
    insert_phone_number(&b.store, org.id, &Destination::BusinessHours { id: s.id }).await;

    match b.store.delete_business_hours(org.id, s.id, &[]).await {
        Err(StoreError::InUse(referrers)) => {
            assert_eq!(referrers.len(), 1);
            assert_eq!(referrers[0].object_type, "phone_number");
        }
        other => panic!("expected InUse, got {other:?}"),
    }
    assert_eq!(b.store.find_business_hours(org.id, s.id).await.unwrap(), s);
}

async fn other_organizations_cannot_see_or_change_a_schedule(b: Backend) {
    let org = new_org(&b.store).await;
    let intruder = new_org(&b.store).await;
    let s = schedule(org.id, "Office hours");
    b.store.create_business_hours(&s, &[]).await.unwrap();

    assert!(matches!(
        b.store.find_business_hours(intruder.id, s.id).await,
        Err(StoreError::NotFound)
    ));
    let mut hijack = s.clone();
    hijack.organization_id = intruder.id;
    hijack.ranges.clear();
    assert!(matches!(
        b.store.update_business_hours(&hijack, &[]).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.delete_business_hours(intruder.id, s.id, &[]).await,
        Err(StoreError::NotFound)
    ));
    let theirs = b
        .store
        .list_business_hours(intruder.id, &ListFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(theirs.total, 0);
    assert!(theirs.items.is_empty());
    assert_eq!(b.store.find_business_hours(org.id, s.id).await.unwrap(), s);
}

async fn list_pages_by_name_with_children(b: Backend) {
    let org = new_org(&b.store).await;
    let support = schedule(org.id, "Support");
    let mut alpha = schedule(org.id, "alpha");
    alpha.ranges = vec![range(2, 0, 1440)];
    let mut sales = schedule(org.id, "Sales");
    sales.exceptions.clear();
    sales.status = Status::Inactive;
    for s in [&support, &alpha, &sales] {
        b.store.create_business_hours(s, &[]).await.unwrap();
    }

    let all = ListFilter::default();
    let first = b
        .store
        .list_business_hours(org.id, &all, PageRequest::new(1, 2))
        .await
        .unwrap();
    assert_eq!(first.total, 3);
    assert_eq!(first.items, vec![alpha, sales.clone()]);
    let second = b
        .store
        .list_business_hours(org.id, &all, PageRequest::new(2, 2))
        .await
        .unwrap();
    assert_eq!(second.items, vec![support.clone()]);

    let by_name = ListFilter {
        q: Some("port".into()),
        status: None,
    };
    let found = b
        .store
        .list_business_hours(org.id, &by_name, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(found.items, vec![support]);
    let inactive = ListFilter {
        q: None,
        status: Some(Status::Inactive),
    };
    let found = b
        .store
        .list_business_hours(org.id, &inactive, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(found.items, vec![sales]);
}

async fn unknown_schedule_is_not_found(b: Backend) {
    let org = new_org(&b.store).await;
    assert!(matches!(
        b.store.find_business_hours(org.id, ScheduleId::new()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store
            .update_business_hours(&schedule(org.id, "Ghost"), &[])
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store
            .delete_business_hours(org.id, ScheduleId::new(), &[])
            .await,
        Err(StoreError::NotFound)
    ));
}

opbx_tests::on_both_backends!(
    schedule_round_trips_with_ranges_and_exceptions,
    update_replaces_ranges_and_exceptions,
    names_are_unique_per_organization_ignoring_case,
    delete_removes_schedule_and_children,
    routed_to_schedule_cannot_be_deleted,
    other_organizations_cannot_see_or_change_a_schedule,
    list_pages_by_name_with_children,
    unknown_schedule_is_not_found,
);
