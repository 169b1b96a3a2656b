//! Input front ends: bytes → [`crate::doc::Document`].

pub mod dump_kind;
pub mod pdf;
pub mod sort_layout;
pub mod text;
