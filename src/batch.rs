//! Batch conversion: many inputs in parallel, one JSON each, written atomically.
