#!/usr/bin/env bash
# new_repo.sh: create (or reuse) a project on the internal GitLab and push pipelines/<name> to it.
# Usage: GITLAB_URL=https://gitlab.example GITLAB_TOKEN=... [GITLAB_GROUP=team/sub] ./new_repo.sh <pipeline>
# Optional: GITLAB_PROJECT (default: the pipeline name), GITLAB_BRANCH (default: main).
# The token goes to curl and git through a header file and a credential helper, never on a command line.
set -euo pipefail

die() { printf 'new_repo: %s\n' "$*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=${1:-${PIPELINE:-}}
[[ -n $name ]] || die "name a pipeline: ./new_repo.sh <name> (a folder under pipelines/)"
[[ $name =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ && $name != *..* ]] || die "'$name' is not a pipeline name"
dir=$root/pipelines/$name
[[ -d $dir ]] || die "no folder pipelines/$name; stage it first: just stage $name"
[[ -n ${GITLAB_URL:-} ]] || die "GITLAB_URL is not set; export it, e.g. https://gitlab.example.org"
[[ -n ${GITLAB_TOKEN:+set} ]] || die "GITLAB_TOKEN is not set; export a token with the api and write_repository scopes"
export GITLAB_TOKEN
api=${GITLAB_URL%/}/api/v4
project=${GITLAB_PROJECT:-$name}
branch=${GITLAB_BRANCH:-main}

# JSON field of stdin (node is on every host that runs the toolkit; jq may not be)
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];process.stdout.write(v==null?"":typeof v=="object"?JSON.stringify(v):String(v))})' "$1"; }
urlencode() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }

# curl the API: prints the body, returns the HTTP status in $status. The header comes from a
# builtin printf through a pipe, so the token is in no argv and, with xtrace paused, in no trace.
call() {
  local method=$1 path=$2 out; shift 2
  local xt=${-//[^x]/}; set +x
  local rc=0
  out=$(curl -s -X "$method" -H @<(printf 'PRIVATE-TOKEN: %s\n' "$GITLAB_TOKEN") -w '\n%{http_code}' "$@" "$api$path") || rc=$?
  [[ -n $xt ]] && set -x
  ((rc == 0)) || die "cannot reach $GITLAB_URL (curl exit $rc); check GITLAB_URL and the network"
  status=${out##*$'\n'}
  body=${out%$'\n'*}
}

# 1. the namespace: GITLAB_GROUP, else the token's own user
if [[ -n ${GITLAB_GROUP:-} ]]; then
  call GET "/namespaces/$(urlencode "$GITLAB_GROUP")"
  [[ $status == 200 ]] || die "GitLab group '$GITLAB_GROUP' not found (HTTP $status); check GITLAB_GROUP"
  namespace=$GITLAB_GROUP; namespace_id=$(field id <<<"$body")
else
  call GET /user
  [[ $status == 200 ]] || die "GitLab refused the token (HTTP $status); check GITLAB_TOKEN"
  namespace=$(field username <<<"$body"); namespace_id=
fi

# 2. the project: reuse it, else create it
call GET "/projects/$(urlencode "$namespace/$project")"
if [[ $status == 200 ]]; then
  what=existing
elif [[ $status == 404 ]]; then
  call POST /projects --data-urlencode "name=$project" --data-urlencode "path=$project" \
    ${namespace_id:+--data-urlencode "namespace_id=$namespace_id"} --data-urlencode "visibility=private"
  [[ $status == 201 ]] || die "cannot create $namespace/$project (HTTP $status): $(field message <<<"$body" 2>/dev/null || true)"
  what=created
else
  die "GitLab answered HTTP $status for $namespace/$project; check GITLAB_TOKEN"
fi
remote=$(field http_url_to_repo <<<"$body")
web=$(field web_url <<<"$body")
[[ -n $remote ]] || die "GitLab gave no http_url_to_repo for $namespace/$project"
echo "✓ project $namespace/$project ($what)"

# 3. git: a repository kept outside the folder (a .git inside would be synced to S3 by `just up`)
export GIT_DIR=$root/.cache/gitlab/$name.git GIT_WORK_TREE=$dir GIT_TERMINAL_PROMPT=0
# the token reaches git only through this helper, which reads it from the environment when asked
# shellcheck disable=SC2016  # expanded by the helper's shell, not here
export GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=credential.helper GIT_CONFIG_VALUE_0='' \
  GIT_CONFIG_KEY_1=credential.helper \
  GIT_CONFIG_VALUE_1='!f() { test "$1" = get && printf "username=oauth2\npassword=%s\n" "$GITLAB_TOKEN"; }; f'
if [[ ! -d $GIT_DIR ]]; then
  mkdir -p "$(dirname "$GIT_DIR")"
  env -u GIT_DIR -u GIT_WORK_TREE git init -q --bare "$GIT_DIR.tmp-$$" && mv "$GIT_DIR.tmp-$$" "$GIT_DIR"
  git config core.bare false
fi
printf '%s\n' 'work/' 'results/' '.nextflow*' '*.log' '.*.tmp-*' '.staged' >"$GIT_DIR/info/exclude"
git symbolic-ref HEAD "refs/heads/$branch"
# build on what the project already holds, so a lost local repository still pushes fast-forward
if git fetch -q "$remote" "refs/heads/$branch" 2>/dev/null \
   && ! git merge-base --is-ancestor FETCH_HEAD HEAD 2>/dev/null; then
  git reset -q --soft FETCH_HEAD
fi
git add -A
if git diff --cached --quiet HEAD 2>/dev/null; then
  echo "✓ nothing new to commit"
else
  rev=$(sed -n 's/^export REVISION=//p' "$dir/Pipeline-ENV" 2>/dev/null | head -1 || true)
  git -c user.name="${GIT_AUTHOR_NAME:-nf-offline}" -c user.email="${GIT_AUTHOR_EMAIL:-nf-offline@localhost}" \
    commit -q -m "nf-offline: $name${rev:+ $rev}"
  echo "✓ committed $(git rev-parse --short HEAD)"
fi
git push -q "$remote" "HEAD:refs/heads/$branch" || die "push to $remote failed; see git's message above"
echo "✓ pushed $branch to ${web:-$remote}"
