# nf-offline: rare and ops recipes, run at the toolkit root. Per-pipeline recipes: cd pipelines/<name>.
# Every recipe here is [no-cd]: a pipeline folder's justfile falls back to them (`set fallback`), and run from
# there they act on that folder's pipeline (`cd pipelines/rnaseq && just stage` stages rnaseq).
set dotenv-filename := "env/System-ENV"
set positional-arguments
set quiet
set no-exit-message

export PIPELINE := env("PIPELINE", "")
export REVISION := env("REVISION", "")
js := quote(justfile_directory() / "dist/scripts")

# list the recipes
[private]
default:
  {{quote(just_executable())}} --list --unsorted

# stage a pinned nf-core release: stage rnaseq [3.14.0] | stage PIPELINE=sarek REVISION=3.4.4
[no-cd]
[group('dev')]
stage *args:
  node {{js}}/stage.js "$@"

# list the docker images a staged pipeline uses: images rnaseq [--json] [--check]
[no-cd]
[group('dev')]
images *args:
  node {{js}}/images.js "$@"

# fail unless every image of a staged pipeline is on quay.io: quay rnaseq [--allow-unresolved]
[no-cd]
[group('dev')]
quay *args:
  node {{js}}/quay.js "$@"

# list releases whose images are all on quay.io: suggest rnaseq [N]
[no-cd]
[group('dev')]
suggest *args:
  node {{js}}/suggest.js "$@"

# copy the test profile's data to S3, write test.config + inputs3.csv: mirror rnaseq [ROWS=N] [--plan]
[no-cd]
[group('dev')]
mirror *args:
  node {{js}}/mirror.js "$@"

# install plugins.list into NXF_HOME and sync to S3; on prod pull them: plugins [--no-sync] [--down] [--delete]
[no-cd]
[group('dev')]
plugins *args:
  node {{js}}/plugins.js "$@"

# online stub run of a pipeline through the registry proxy: smoke rnaseq
[no-cd]
[group('dev')]
smoke *args:
  node {{js}}/smoke.js "$@"

# upload the toolkit itself (bundled scripts, justfiles, env, just binary) to S3_ROOT/toolkit
[no-cd]
[group('dev')]
ship *args:
  JUST_BIN={{quote(just_executable())}} node {{js}}/ship.js "$@"

# push pipelines/<name> to S3_ROOT/<name> (what `just up` does in the folder): up <name> [--delete] [--dry-run]
[no-cd]
[group('sync')]
up *args:
  node {{js}}/up.js "$@"

# pull S3_ROOT/<name> into pipelines/<name> (what `just down` does in the folder): down <name> [--delete] [--dry-run]
[no-cd]
[group('sync')]
down *args:
  node {{js}}/down.js "$@"

# prod host: pull code and plugins from S3, make NXF_HOME/NXF_WORK/ROOT_DIR, then run: bootstrap rnaseq
[no-cd]
[group('prod')]
bootstrap *args:
  node {{js}}/bootstrap.js "$@"

# empty the cache (.cache: release archives, extracted releases, S3 listing state); keeps staged revisions' archives
[no-cd]
[group('ops')]
clean *args:
  node {{js}}/clean.js "$@"

# the whole dev -> prod cycle on an embedded demo, offline, with local S3 and GitHub stand-ins
[no-cd]
[group('demo')]
demo *args:
  node {{js}}/demo.js "$@"
