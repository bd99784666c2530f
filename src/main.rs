#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    sandtable::cli::main()
}

/// In a browser (`web/build.sh`): the app on the page's canvas.
#[cfg(target_arch = "wasm32")]
fn main() {
    sandtable::platform::start();
}
