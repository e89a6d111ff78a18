//! Workspace-wide tests for Slate. This crate has no code of its own: its tests (in
//! `tests/tests/`) check the architecture's rules and, as the app arrives, drive the real
//! binary end to end.
