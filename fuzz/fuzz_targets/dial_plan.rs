#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| opbx_fuzz::dial_plan(data));
