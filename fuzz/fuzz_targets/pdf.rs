//! Fuzz target `pdf`: see `shisaku::fuzzing::pdf`. Panics inside lopdf are caught by
//! the front end as in production (see `shisaku::fuzzing::tolerate_lopdf_panics`).
#![no_main]

libfuzzer_sys::fuzz_target!(init: shisaku::fuzzing::tolerate_lopdf_panics(), |data: &[u8]| {
    shisaku::fuzzing::pdf(data)
});
