//! The hexagon's dependency rules, checked on the real dependency graph: these fail the
//! build the day someone adds sqlx to the domain or forgets the workspace lints.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates the domain must never depend on, directly or transitively (normal dependencies).
const FORBIDDEN_IN_DOMAIN: &[&str] =
    &["sea-orm", "sqlx", "axum", "tower", "tower-http", "hyper", "tokio", "mail-send", "object_store", "reqwest"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    cmd.current_dir(workspace_root());
    cmd
}

fn normal_dependencies(package: &str, features: &[&str]) -> Vec<String> {
    let mut cmd = cargo();
    cmd.args(["tree", "--offline", "-p", package, "-e", "normal", "--prefix", "none", "--format", "{p}"]);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("cargo tree: {e}"));
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn the_domain_depends_on_no_infrastructure_crate() {
    for features in [&[][..], &["in-memory", "mocks"][..]] {
        let deps = normal_dependencies("slate-domain", features);
        assert!(deps.iter().any(|d| d == "chrono"), "the tree was read (features {features:?}): {deps:?}");
        let bad: Vec<_> = deps.iter().filter(|d| FORBIDDEN_IN_DOMAIN.contains(&d.as_str())).collect();
        assert!(bad.is_empty(), "slate-domain (features {features:?}) depends on {bad:?}");
    }
}

#[test]
fn the_domain_depends_on_no_other_workspace_crate() {
    let deps = normal_dependencies("slate-domain", &[]);
    let ours: Vec<_> = deps.iter().filter(|d| d.starts_with("slate-") && *d != "slate-domain").collect();
    assert!(ours.is_empty(), "slate-domain depends on {ours:?}");
}

fn member_manifests() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap_or_else(|e| panic!("crates/: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path().join("Cargo.toml"))
        .filter(|p| p.exists())
        .collect();
    manifests.push(root.join("migrations/Cargo.toml"));
    manifests.push(root.join("tests/Cargo.toml"));
    manifests
}

#[test]
fn every_crate_uses_the_workspace_lints_and_says_where_it_sits() {
    let manifests = member_manifests();
    assert!(manifests.len() >= 2, "found {manifests:?}");
    for manifest in manifests {
        let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
        assert!(text.contains("[lints]\nworkspace = true"), "{} lacks `[lints] workspace = true`", manifest.display());
        let dir = manifest.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if name != "tests" {
            // folder name = package name (`migrations/` holds package `migrations`)
            assert!(text.contains(&format!("name = \"{name}\"")), "folder {name} must hold package {name}");
        }
        let lib = dir.join("src/lib.rs");
        let main = dir.join("src/main.rs");
        let root = if lib.exists() { lib } else { main };
        let src = std::fs::read_to_string(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
        assert!(src.trim_start().starts_with("//!"), "{} has no `//!` header", root.display());
    }
}

#[test]
fn adapters_never_depend_on_each_other_and_http_never_on_the_database() {
    let adapters = ["slate-persistence", "slate-http", "slate-email", "slate-video-storage"];
    for adapter in adapters {
        let deps = normal_dependencies(adapter, &[]);
        assert!(deps.iter().any(|d| d == adapter), "the tree of {adapter} was read: {deps:?}");
        let others: Vec<_> = deps.iter().filter(|d| adapters.contains(&d.as_str()) && *d != adapter).collect();
        assert!(others.is_empty(), "{adapter} depends on {others:?}");
    }
    let http = normal_dependencies("slate-http", &[]);
    let db: Vec<_> = http.iter().filter(|d| ["sea-orm", "sqlx", "migrations"].contains(&d.as_str())).collect();
    assert!(db.is_empty(), "slate-http talks to the database through {db:?}");
}
