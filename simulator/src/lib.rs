//! Vendor simulators: real HTTP servers on loopback that speak the vendor protocols, validate
//! requests as the vendor would, and can be told to be slow, fail or go down. Tests,
//! benchmarks, the `chuda simulate-253` command and the sandbox vendor all use them.

pub mod aliyun;
pub mod chuanglan;
