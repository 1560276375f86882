//! The committed corpora (`fuzz/corpus/<target>/`, seeds plus every input libFuzzer kept for new
//! coverage and every input that once found a defect) replayed through the targets as ordinary
//! tests, so a defect fuzzing found stays found without libFuzzer.

use std::path::Path;

#[test]
fn every_corpus_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for (name, target) in opbx_fuzz::TARGETS {
        let dir = root.join(name);
        let mut inputs = 0;
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name}: {} fails", path.display());
            inputs += 1;
        }
        assert!(inputs > 0, "{name} has no corpus");
        println!("{name}: {inputs} corpus inputs pass");
    }
}
