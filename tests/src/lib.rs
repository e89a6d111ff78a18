//! Workspace-wide tests for Slate. Its only code is the end-to-end harness ([`harness`]); its tests (in
//! `tests/tests/`) check the architecture's rules and, as the app arrives, drive the real
//! binary end to end.

#[expect(clippy::unwrap_used, clippy::expect_used, reason = "test harness: a panic is a failure")]
pub mod harness;
