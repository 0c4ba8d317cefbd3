//! Tests of the nftables mode.
