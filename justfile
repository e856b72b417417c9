# nf-offline: rare and ops recipes, run at the toolkit root. Per-pipeline recipes: cd pipelines/<name>.
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
[group('dev')]
stage *args:
  node {{js}}/stage.js "$@"

# list the docker images a staged pipeline uses: images rnaseq [--json] [--check]
[group('dev')]
images *args:
  node {{js}}/images.js "$@"

# fail unless every image of a staged pipeline is on quay.io: quay rnaseq [--allow-unresolved]
[group('dev')]
quay *args:
  node {{js}}/quay.js "$@"

# list releases whose images are all on quay.io: suggest rnaseq [N]
[group('dev')]
suggest *args:
  node {{js}}/suggest.js "$@"

# copy the test profile's data to S3, write test.config + inputs3.csv: mirror rnaseq [ROWS=N] [--plan]
[group('dev')]
mirror *args:
  node {{js}}/mirror.js "$@"

# install plugins.list into NXF_HOME and sync to S3; on prod pull them: plugins [--no-sync] [--down] [--delete]
[group('dev')]
plugins *args:
  node {{js}}/plugins.js "$@"

# online stub run of a pipeline through the registry proxy: smoke rnaseq
[group('dev')]
smoke *args:
  node {{js}}/smoke.js "$@"

# upload the toolkit itself (bundled scripts, justfiles, env, just binary) to S3_ROOT/toolkit
[group('dev')]
ship *args:
  JUST_BIN={{quote(just_executable())}} node {{js}}/ship.js "$@"

alias up := ship

# prod host: pull code and plugins from S3, make NXF_HOME/NXF_WORK/ROOT_DIR, then run: bootstrap rnaseq
[group('prod')]
bootstrap *args:
  node {{js}}/bootstrap.js "$@"

# the whole dev -> prod cycle on an embedded demo, offline, with local S3 and GitHub stand-ins
[group('demo')]
demo *args:
  node {{js}}/demo.js "$@"
