//! Which browser events the extension keeps: the core's answer to "does this exchange matter for
//! authentication?", exported to the shell so it keeps no list of its own.
