//! `authlens check FILE.har`: the command-line front end of the core.

fn main() {
    eprintln!("authlens {}: not yet wired", authlens::report::VERSION);
    std::process::exit(2);
}
