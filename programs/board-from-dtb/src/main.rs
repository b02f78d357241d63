//! `cargo board-from-dtb FILE.dtb [--name NAME] [--image BASE+SIZE]`: print
//! the `board!`/`devices!` configuration of a flattened device tree, with
//! the kinds of `programs::board::VirtKinds`. Paste it into a configuration
//! file; its checks run when it compiles.

use std::process::ExitCode;

fn main() -> ExitCode {
    let usage = "usage: cargo board-from-dtb FILE.dtb [--name NAME] [--image BASE+SIZE]\n\
                 (a device tree QEMU writes with `-machine virt,dumpdtb=FILE.dtb`)";
    let mut args = std::env::args().skip(1);
    let (mut file, mut options) = (None, board_from_dtb::Options::default());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--name" => match args.next() {
                Some(n) => options.name = n,
                None => return fail(usage),
            },
            "--image" => match args.next().as_deref().and_then(board_from_dtb::parse_window) {
                Some(w) => options.image = Some(w),
                None => return fail("--image takes BASE+SIZE, e.g. 0x4020_0000+0x100_0000"),
            },
            "-h" | "--help" => {
                println!("{usage}");
                return ExitCode::SUCCESS;
            }
            _ if file.is_none() && !a.starts_with('-') => file = Some(a),
            _ => return fail(usage),
        }
    }
    let Some(file) = file else {
        return fail(usage);
    };
    let data = match std::fs::read(&file) {
        Ok(d) => d,
        Err(e) => return fail(&format!("board-from-dtb: cannot read {file}: {e}")),
    };
    match board_from_dtb::convert(&data, &file, &options) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("board-from-dtb: {file}: {e}")),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::FAILURE
}
