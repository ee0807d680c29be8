# Sourced by setup and unit_test (with $repo set): where the go-grpc client
# builds, and Go in GOPATH mode with nothing fetched. The generated package
# lives under out/, every other import comes from Debian's /usr/share/gocode,
# and the build cache stays under out/ too (Go needs one, and HOME may be unset).
build_dir="${IMAGE_BUILD_DIR:-$repo/out}/clients/go-grpc"
gopath="$build_dir/gopath"
export GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0
export GOPATH="$gopath:/usr/share/gocode" GOCACHE="$build_dir/cache"
