//! The commands, read from their Rust signatures: every `#[tauri::command]` function in
//! `src/commands/`. `build.rs` uses this list for the permissions and the invoke handler, the
//! bindings test for the TypeScript, so a command is declared once — by writing it.

use std::path::Path;

/// One command as the front end sees it.
#[derive(Clone)]
pub struct Command {
    /// The module under `commands` (`secrets`).
    pub module: String,
    /// The function's name, which is the command's name (`rotate_secret`).
    pub name: String,
    /// Arguments the front end passes, with their Rust types; injected ones (state, app
    /// handle, window) are left out.
    pub args: Vec<(String, syn::Type)>,
    /// What the command returns on success (`T` of `Result<T, IpcError>`); `None` for `()`.
    pub returns: Option<syn::Type>,
}

/// Parameters Tauri fills in itself, by the last segment of their type.
const INJECTED: [&str; 4] = ["State", "AppHandle", "Window", "WebviewWindow"];

/// Every command in `commands_dir`, sorted by module then name.
pub fn read(commands_dir: &Path) -> Result<Vec<Command>, String> {
    let mut entries: Vec<_> = std::fs::read_dir(commands_dir)
        .map_err(|e| format!("{}: {e}", commands_dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    entries.sort();
    let mut commands = Vec::new();
    for path in entries {
        let module = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default()
            .to_owned();
        let source =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file = syn::parse_file(&source).map_err(|e| format!("{}: {e}", path.display()))?;
        for item in file.items {
            let syn::Item::Fn(function) = item else {
                continue;
            };
            if !function.attrs.iter().any(is_command_attribute) {
                continue;
            }
            commands.push(command(&module, &function.sig));
        }
    }
    commands.sort_by(|a, b| (&a.module, &a.name).cmp(&(&b.module, &b.name)));
    Ok(commands)
}

fn is_command_attribute(attribute: &syn::Attribute) -> bool {
    let segments: Vec<String> = attribute
        .path()
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments == ["tauri", "command"]
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last(),
        syn::Type::Reference(reference) => last_segment(&reference.elem),
        _ => None,
    }
}

fn command(module: &str, signature: &syn::Signature) -> Command {
    let args = signature
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) => Some(typed),
            syn::FnArg::Receiver(_) => None,
        })
        .filter(|typed| {
            last_segment(&typed.ty)
                .is_none_or(|segment| !INJECTED.contains(&segment.ident.to_string().as_str()))
        })
        .filter_map(|typed| match &*typed.pat {
            syn::Pat::Ident(ident) => Some((ident.ident.to_string(), (*typed.ty).clone())),
            _ => None,
        })
        .collect();
    let returns = match &signature.output {
        syn::ReturnType::Default => None,
        syn::ReturnType::Type(_, ty) => success_type(ty),
    };
    Command {
        module: module.to_owned(),
        name: signature.ident.to_string(),
        args,
        returns,
    }
}

/// `Result<T, E>` → `T`; `()` → `None`; anything else as it is.
fn success_type(ty: &syn::Type) -> Option<syn::Type> {
    if let syn::Type::Tuple(tuple) = ty
        && tuple.elems.is_empty()
    {
        return None;
    }
    if let Some(segment) = last_segment(ty)
        && segment.ident == "Result"
        && let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments
        && let Some(syn::GenericArgument::Type(ok)) = arguments.args.first()
    {
        return success_type(ok);
    }
    Some(ty.clone())
}

/// `remove_local_copy` → `removeLocalCopy`: how Tauri names arguments on the JavaScript side.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
