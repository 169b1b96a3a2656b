//! Input front ends: bytes → [`crate::doc::Document`].

pub mod dump_kind;
pub mod pdf;
pub mod text;
