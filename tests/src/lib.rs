//! Integration and browser tests live in `tests/` and `../end2end`.
