//! The embedded database is the owner's alone (issue 18.9): `opbx.db` and SQLite's `-wal` and
//! `-shm` beside it are 0600, a directory made for it 0700, and files an earlier release left
//! world-readable are tightened on the next start. SQLite only: MySQL files are the server's.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use opbx::adapters::sql::SqlStore;
use opbx::ports::organizations::OrganizationRepo;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    p.into()
}

#[tokio::test]
async fn the_database_files_are_readable_by_their_owner_only() {
    let root = std::env::temp_dir().join(format!("opbx-perm-{}", opbx_tests::unique()));
    let db = root.join("data").join("opbx.db");
    let store = SqlStore::connect(&format!("sqlite://{}", db.display()), 2)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    opbx_tests::new_org(&store).await;
    assert_eq!(store.count_organizations().await.unwrap(), 1);
    assert_eq!(
        mode(db.parent().unwrap()),
        0o700,
        "the directory made for it"
    );
    for suffix in ["", "-wal", "-shm"] {
        assert_eq!(mode(&with_suffix(&db, suffix)), 0o600, "opbx.db{suffix}");
    }
    store.close().await;

    // A database an earlier release left readable to everyone.
    for suffix in ["", "-wal", "-shm"] {
        let file = with_suffix(&db, suffix);
        if file.exists() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    let store = SqlStore::connect(&format!("sqlite://{}", db.display()), 2)
        .await
        .unwrap();
    assert_eq!(store.count_organizations().await.unwrap(), 1);
    assert_eq!(mode(&db), 0o600);
    store.close().await;
    std::fs::remove_dir_all(&root).unwrap();
}
