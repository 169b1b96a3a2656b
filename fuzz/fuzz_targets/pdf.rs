//! Fuzz target `pdf`: see `shisaku::fuzzing::pdf`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shisaku::fuzzing::pdf(data));
