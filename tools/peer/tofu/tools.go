//go:build tools

// Package tools pins OpenTofu's command as a dependency of this module, so that `go build` of it
// resolves every module from this go.mod and go.sum (scripts/peer-build.sh).
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
