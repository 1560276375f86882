//! Phone numbers no other test holds. A number belongs to one organization across the whole
//! database (issue 12), and the production backend's database is shared by every test of a run,
//! by the test binaries running at once and by earlier runs, so a fixed number would be refused
//! (409) the second time it is created. Numbers are handed out from a counter kept in a locked
//! file under the temporary directory, which every test process of the machine shares: distinct
//! by construction rather than by chance. The counter never starts below the current Unix second,
//! so a cleared temporary directory does not hand out the numbers of earlier runs again.

use std::fs::OpenOptions;
use std::io::{Read, Seek, Write};
use std::sync::Mutex;

/// Numbers a process takes from the shared counter at once (one lock per block, not per number).
const BLOCK: u64 = 32;

/// The values of the shared counter this process reserved and has not handed out yet.
static RESERVED: Mutex<(u64, u64)> = Mutex::new((0, 0));

/// A number no other test holds: `+1555` then eleven digits, in increasing order within a process.
pub fn unique_e164() -> String {
    unique_e164_prefix(0)
}

/// The first `15 - free` digits of numbers no other test holds: the caller appends `free` digits
/// of its own (at most 9), so that one fixture can keep the numbers of a fixed plan (`…01`,
/// `…02`) while another fixture running at the same time gets other ones.
pub fn unique_e164_prefix(free: u32) -> String {
    assert!(free <= 9, "at most 9 free digits");
    // The digit after `+1555` is `free`: prefixes of different lengths can never produce the
    // same number, even from the same counter value.
    let width = 10 - free;
    let value = next() % 10u64.pow(width);
    format!("+1555{free}{value:0width$}", width = width as usize)
}

fn next() -> u64 {
    let mut reserved = RESERVED.lock().unwrap_or_else(|e| e.into_inner());
    if reserved.0 == reserved.1 {
        let start = reserve_block();
        *reserved = (start, start + BLOCK);
    }
    let value = reserved.0;
    reserved.0 += 1;
    value
}

/// Takes `BLOCK` values from the counter file under an exclusive lock; returns the first.
fn reserve_block() -> u64 {
    let path = std::env::temp_dir().join("opbx-test-e164-counter");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .unwrap_or_else(|e| panic!("the phone-number counter {}: {e}", path.display()));
    file.lock()
        .unwrap_or_else(|e| panic!("lock {}: {e}", path.display()));
    let mut text = String::new();
    file.read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    let start = text.trim().parse::<u64>().unwrap_or(0).max(now);
    file.rewind()
        .and_then(|()| file.set_len(0))
        .and_then(|()| write!(file, "{}", start + BLOCK))
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    // The lock goes with the file when it is closed here.
    start
}
