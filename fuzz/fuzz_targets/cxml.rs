#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| opbx_fuzz::cxml(data));
