//! Table tests of the argparse texts: every line of `testdata/argparse.jsonl` is what
//! Python's argparse printed for the alembic-rs parser (rebuilt in Python 3.10 to 3.13 by
//! `tests/gen_argparse_fixtures.py`) for one argument vector, terminal width and program
//! name.

use std::path::Path;

use serde_json::Value;

use super::{Output, Request, Verdict, run};

#[test]
fn help_usage_and_errors_match_argparse() {
    let data = include_str!("testdata/argparse.jsonl");
    let mut checked = 0;
    for line in data.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let args: Vec<String> = row["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        let want = Output {
            stdout: row["stdout"].as_str().unwrap().to_string(),
            stderr: row["stderr"].as_str().unwrap().to_string(),
            status: row["status"].as_i64().unwrap() as i32,
        };
        for python in row["pythons"].as_array().unwrap() {
            let python = (
                python[0].as_u64().unwrap() as u32,
                python[1].as_u64().unwrap() as u32,
            );
            let request = Request {
                args: &args,
                prog: row["prog"].as_str().unwrap(),
                version: "0.1.0",
                templates_dir: Path::new("/nonexistent"),
                cwd: Path::new("/nonexistent"),
                alembic_config: None,
                columns: row["columns"].as_i64().unwrap() as isize,
                python,
                stdin_is_terminal: false,
                deprecation_warnings_shown: false,
            };
            assert_eq!(
                run(&request),
                Verdict::Served(want.clone()),
                "{args:?} at {} columns, prog {}, Python {python:?}",
                row["columns"],
                row["prog"]
            );
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} cases");
}

#[test]
fn other_pythons_and_tiny_terminals_fall_back() {
    let args = vec!["--help".to_string()];
    let mut request = Request {
        args: &args,
        prog: "alembic-rs",
        version: "0.1.0",
        templates_dir: Path::new("/nonexistent"),
        cwd: Path::new("/nonexistent"),
        alembic_config: None,
        columns: 80,
        python: (3, 14),
        stdin_is_terminal: false,
        deprecation_warnings_shown: false,
    };
    assert!(matches!(run(&request), Verdict::NotMine(_)));
    request.python = (3, 11);
    request.columns = 11;
    assert!(matches!(run(&request), Verdict::NotMine(_)));
    request.prog = "alembic-rś";
    request.columns = 80;
    assert!(matches!(run(&request), Verdict::NotMine(_)));
}
