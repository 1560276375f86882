#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| opbx_fuzz::call_events(data));
