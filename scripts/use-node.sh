# Source it (`. scripts/use-node.sh`): puts a Node.js that satisfies the repository's
# `engines.node` first on PATH, so that npm and every process it starts use it. When the machine's
# node is recent enough it changes nothing; otherwise it fetches Node from the npm registry (the
# `node-linux-<arch>` package carries the official binary), once, into a cache folder outside the
# repository (PALISADE_NODE_CACHE, default ~/.cache/palisade), and prints which node is in use.
# Used by .ci/run; the README tells users on an older Node to do the same.

palisade_use_node() {
  local root minimum current arch dir tgz
  root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
  minimum="$(sed -n 's/^ *"node": *">= *\([0-9][0-9]*\).*/\1/p' "$root/package.json" | head -n 1)"
  if [ -z "$minimum" ]; then
    echo "use-node: no engines.node \">=N\" in $root/package.json" >&2
    return 1
  fi
  current="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$current" -ge "$minimum" ]; then
    echo "node $(node --version) ($(command -v node))"
    return 0
  fi
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "use-node: no node-linux package for $(uname -m); install Node.js $minimum+" >&2; return 1 ;;
  esac
  dir="${PALISADE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/palisade}/node-linux-$arch-$minimum"
  if [ ! -x "$dir/package/bin/node" ]; then
    echo "fetching Node.js $minimum (npm package node-linux-$arch@$minimum) into $dir"
    mkdir -p "$dir" || return 1
    tgz="$(cd "$dir" && npm pack --silent "node-linux-$arch@$minimum")" || return 1
    tar xzf "$dir/$tgz" -C "$dir" && rm -f "$dir/$tgz" || return 1
  fi
  export PATH="$dir/package/bin:$PATH"
  hash -r 2>/dev/null
  echo "node $(node --version) ($(command -v node))"
}

palisade_use_node
