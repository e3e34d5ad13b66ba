#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| shuangsui::fuzzing::batch(data));
