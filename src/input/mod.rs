//! Input front ends: bytes → [`crate::doc::Document`].

pub mod pdf;
pub mod text;
