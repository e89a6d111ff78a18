//! Guards the crate's public surface: every `pub` item, method signature, field and variant
//! of `src/`, read with `syn`, must match `tests/public-api.txt`. A change to the surface
//! fails here until the snapshot is updated on purpose — with the version bump semver asks
//! for — by running `SLATE_UPDATE_SNAPSHOT=1 cargo test -p slate-domain --test public_api`.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test program: a panic is a failure")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::{ImplItem, Item, TraitItem, Visibility};

fn public(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

/// The attributes that change what an item is for users (features, non_exhaustive).
fn gates(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg") || a.path().is_ident("non_exhaustive"))
        .map(tokens)
        .collect::<Vec<_>>()
        .join(" ")
}

fn collect(module: &str, items: &[Item], out: &mut BTreeSet<String>) {
    for item in items {
        match item {
            Item::Fn(f) if public(&f.vis) => {
                out.insert(format!("{module}: {} {}", gates(&f.attrs), tokens(&f.sig)));
            }
            Item::Struct(s) if public(&s.vis) => {
                let fields: Vec<String> = s
                    .fields
                    .iter()
                    .filter(|f| public(&f.vis))
                    .map(|f| format!("{}: {}", f.ident.as_ref().map(tokens).unwrap_or_default(), tokens(&f.ty)))
                    .collect();
                out.insert(format!(
                    "{module}: {} struct {}{} {{ {} }}",
                    gates(&s.attrs),
                    s.ident,
                    tokens(&s.generics),
                    fields.join(", ")
                ));
            }
            Item::Enum(e) if public(&e.vis) => {
                let variants: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| {
                        let fields: Vec<String> = v
                            .fields
                            .iter()
                            .map(|f| match &f.ident {
                                Some(name) => format!("{name}: {}", tokens(&f.ty)),
                                None => tokens(&f.ty),
                            })
                            .collect();
                        if fields.is_empty() {
                            v.ident.to_string()
                        } else {
                            format!("{}({})", v.ident, fields.join(", "))
                        }
                    })
                    .collect();
                out.insert(format!("{module}: {} enum {} {{ {} }}", gates(&e.attrs), e.ident, variants.join(", ")));
            }
            Item::Trait(t) if public(&t.vis) => {
                for ti in &t.items {
                    if let TraitItem::Fn(f) = ti {
                        out.insert(format!("{module}: trait {}: {}", t.ident, tokens(&f.sig)));
                    }
                }
                out.insert(format!("{module}: trait {}{}: {}", t.ident, tokens(&t.generics), tokens(&t.supertraits)));
            }
            Item::Const(c) if public(&c.vis) => {
                out.insert(format!("{module}: const {}: {}", c.ident, tokens(&c.ty)));
            }
            Item::Type(t) if public(&t.vis) => {
                out.insert(format!("{module}: type {} = {}", t.ident, tokens(&t.ty)));
            }
            Item::Use(u) if public(&u.vis) => {
                out.insert(format!("{module}: {} pub use {}", gates(&u.attrs), tokens(&u.tree)));
            }
            Item::Impl(i) if i.trait_.is_none() => {
                let ty = tokens(&i.self_ty);
                for ii in &i.items {
                    if let ImplItem::Fn(f) = ii
                        && public(&f.vis)
                    {
                        out.insert(format!("{module}: impl {ty}: {} {}", gates(&f.attrs), tokens(&f.sig)));
                    }
                    if let ImplItem::Const(c) = ii
                        && public(&c.vis)
                    {
                        out.insert(format!("{module}: impl {ty}: const {}: {}", c.ident, tokens(&c.ty)));
                    }
                }
            }
            Item::Impl(i) => {
                // Trait impls are surface too (a removed `impl Display` breaks users).
                let (_, path, _) = i.trait_.as_ref().expect("a trait impl");
                out.insert(format!("{module}: impl {} for {}", tokens(path), tokens(&i.self_ty)));
            }
            Item::Mod(m) if public(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    collect(&format!("{module}::{}", m.ident), inner, out);
                }
            }
            Item::Macro(m) => {
                // The `id_type!` / `text_type!` invocations define public types.
                if let Some(name) = m.mac.path.get_ident()
                    && name.to_string().ends_with("_type")
                {
                    // The type's name: the first identifier after the doc attributes.
                    let ty = m.mac.tokens.clone().into_iter().find_map(|t| match t {
                        proc_macro2::TokenTree::Ident(i) => Some(i.to_string()),
                        _ => None,
                    });
                    out.insert(format!("{module}: {name}! {{ {} }}", ty.unwrap_or_default()));
                }
            }
            _ => {}
        }
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_public_api_matches_its_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    files.sort();
    let mut surface = BTreeSet::new();
    for file in &files {
        let module =
            file.strip_prefix(root.join("src")).unwrap().with_extension("").display().to_string().replace('/', "::");
        let parsed = syn::parse_file(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        collect(&module, &parsed.items, &mut surface);
    }
    assert!(surface.len() > 300, "the surface was read: {} items", surface.len());
    let text: String = surface.into_iter().map(|l| l + "\n").collect();
    let snapshot = root.join("tests/public-api.txt");
    if std::env::var_os("SLATE_UPDATE_SNAPSHOT").is_some() {
        std::fs::write(&snapshot, &text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    if expected != text {
        let old: BTreeSet<&str> = expected.lines().collect();
        let new: BTreeSet<&str> = text.lines().collect();
        let removed: Vec<_> = old.difference(&new).collect();
        let added: Vec<_> = new.difference(&old).collect();
        panic!(
            "the public API changed.\nremoved:\n{removed:#?}\nadded:\n{added:#?}\nIf this is on purpose (and the version says so), run \
             SLATE_UPDATE_SNAPSHOT=1 cargo test -p slate-domain --test public_api"
        );
    }
}
