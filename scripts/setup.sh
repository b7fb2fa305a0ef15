#!/usr/bin/env bash
# Installs what Wispkey needs to build, run and test on a fresh Debian machine. Idempotent: each
# part checks first and installs only what is missing, so running it again costs seconds.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

# Tauri 2 build (webkit2gtk), a headless display and screenshots (xvfb, xauth, imagemagick), the
# WebDriver for the webview (webkit2gtk-driver), a real Secret Service (gnome-keyring, dbus),
# clipboard checks (xclip), chromium to drive the PDS consent page in tests, rpm to read the .rpm
# the tests check, and xwininfo (x11-utils) to find the installed app's window. (The Tauri CLI,
# which packs the .deb and the .rpm, comes from npm with the front end's packages.)
apt_packages=(
  build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev librsvg2-dev
  xvfb xauth imagemagick webkit2gtk-driver
  gnome-keyring libsecret-tools dbus dbus-x11 xclip
  chromium rpm x11-utils
)

missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "Installing Debian packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  step "Installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi

# Installs only when the lock file changed since the last install in this folder. `npm install`
# rather than `npm ci`: npm 11.19 writes lock files without the other platforms' optional
# packages (rollup's native builds) and then refuses them in `npm ci`. Versions stay pinned by
# the committed lock file and exact versions in package.json.
npm_install_if_changed() {
  local dir=$1 stamp=$1/node_modules/.wispkey-lock-hash hash
  hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    step "Installing npm packages in ${dir#"$repo_root"/}"
    (cd "$dir" && npm install --no-audit --no-fund)
    echo "$hash" > "$stamp"
  fi
}
npm_install_if_changed "$repo_root/ui"

if [ -x "$repo_root/scripts/stack.sh" ]; then
  "$repo_root/scripts/stack.sh" install
fi
