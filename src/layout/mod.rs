//! Layout: positioned glyphs → lines → spans, plus ruling lines.
