package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestBuildNodeArgsFull(t *testing.T) {
	opts, err := structpb.NewStruct(map[string]any{"nodeargs": "--no-warnings  --max-old-space-size=512"})
	if err != nil {
		t.Fatal(err)
	}
	req := &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:1111",
		Organization:   "org",
		Project:        "proj",
		Stack:          "dev",
		DryRun:         true,
		Parallel:       4,
		Args:           []string{"a", "b"},
		Info: &pulumirpc.ProgramInfo{
			RootDirectory:    "/root/dir",
			ProgramDirectory: "/root/dir/prog",
			EntryPoint:       "index.ts",
			Options:          opts,
		},
	}
	got := buildNodeArgs(runSpecFromRequest(req, "127.0.0.1:2222", "file:trace.json"), "/nm/run/index.js")
	want := []string{
		"--no-warnings", "--max-old-space-size=512",
		"/nm/run/index.js",
		"--monitor", "127.0.0.1:1111",
		"--engine", "127.0.0.1:2222",
		"--organization", "org",
		"--project", "proj",
		"--root-directory", "/root/dir",
		"--stack", "dev",
		"--pwd", "/root/dir/prog",
		"--dry-run",
		"--parallel", "4",
		"--tracing", "file:trace.json",
		"index.ts", "a", "b",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("args mismatch\n got: %q\nwant: %q", got, want)
	}
}

func TestBuildNodeArgsMinimalAndLegacyFallbacks(t *testing.T) {
	// No ProgramInfo (older engines): pwd/program come from the legacy fields; optional flags are omitted.
	req := &pulumirpc.RunRequest{MonitorAddress: "m", Project: "p", Stack: "s", Pwd: "/w"}
	got := buildNodeArgs(runSpecFromRequest(req, "e", ""), "run.js")
	want := []string{"run.js", "--monitor", "m", "--engine", "e", "--project", "p",
		"--stack", "s", "--pwd", "/w", "--parallel", "0", "."}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("args mismatch\n got: %q\nwant: %q", got, want)
	}
}

func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

func TestBuildEnv(t *testing.T) {
	env, err := buildEnv([]string{"PATH=/bin"},
		map[string]string{"proj:name": "x", "aws:region": "r", "old:config:form": "y"},
		[]string{"proj:name"}, map[string]any{"tsconfig": "tsconfig.pulumi.json"})
	if err != nil {
		t.Fatal(err)
	}
	m := envMap(env)
	if m["PATH"] != "/bin" {
		t.Errorf("base environment not kept: %v", env)
	}
	var cfg map[string]string
	if err := json.Unmarshal([]byte(m["PULUMI_CONFIG"]), &cfg); err != nil {
		t.Fatalf("PULUMI_CONFIG is not JSON: %v", err)
	}
	wantCfg := map[string]string{"proj:config:name": "x", "aws:config:region": "r", "old:config:form": "y"}
	if !reflect.DeepEqual(cfg, wantCfg) {
		t.Errorf("PULUMI_CONFIG = %v, want %v", cfg, wantCfg)
	}
	if m["PULUMI_CONFIG_SECRET_KEYS"] != `["proj:name"]` {
		t.Errorf("PULUMI_CONFIG_SECRET_KEYS = %q", m["PULUMI_CONFIG_SECRET_KEYS"])
	}
	if m["PULUMI_NODEJS_TYPESCRIPT"] != "true" {
		t.Errorf("TypeScript should be enabled by default")
	}
	if m["PULUMI_NODEJS_TSCONFIG_PATH"] != "tsconfig.pulumi.json" {
		t.Errorf("PULUMI_NODEJS_TSCONFIG_PATH = %q", m["PULUMI_NODEJS_TSCONFIG_PATH"])
	}
}

func TestBuildEnvTypeScriptDisabledAndEmptyConfig(t *testing.T) {
	env, err := buildEnv(nil, nil, nil, map[string]any{"typescript": false})
	if err != nil {
		t.Fatal(err)
	}
	m := envMap(env)
	if _, ok := m["PULUMI_NODEJS_TYPESCRIPT"]; ok {
		t.Errorf("PULUMI_NODEJS_TYPESCRIPT must not be set when typescript: false")
	}
	if m["PULUMI_CONFIG"] != "{}" || m["PULUMI_CONFIG_SECRET_KEYS"] != "[]" {
		t.Errorf("empty config should be {} and [], got %q %q", m["PULUMI_CONFIG"], m["PULUMI_CONFIG_SECRET_KEYS"])
	}
}

func TestRunResponseFor(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("sh not available")
	}
	if r := runResponseFor(exec.Command(sh, "-c", "exit 0").Run()); r.Error != "" || r.Bail {
		t.Errorf("exit 0: %v", r)
	}
	if r := runResponseFor(exec.Command(sh, "-c", "exit 32").Run()); !r.Bail || r.Error != "" {
		t.Errorf("exit 32 should bail: %v", r)
	}
	if r := runResponseFor(exec.Command(sh, "-c", "exit 3").Run()); r.Error != "Program exited with non-zero exit code: 3" {
		t.Errorf("exit 3: %v", r)
	}
}

func TestFindResourcePackagesAndDependencies(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("package.json", `{"dependencies":{"@pulumi/aws":"^6"},"devDependencies":{"typescript":"~5"}}`)
	write("node_modules/@pulumi/aws/package.json", `{"name":"@pulumi/aws","version":"6.1.0","pulumi":{"resource":true}}`)
	write("node_modules/@pulumi/pulumi/package.json", `{"name":"@pulumi/pulumi","version":"3.248.0","pulumi":{"comment":"x"}}`)
	write("node_modules/typescript/package.json", `{"name":"typescript","version":"5.9.3"}`)
	prog := filepath.Join(root, "sub", "prog")
	if err := os.MkdirAll(prog, 0o755); err != nil {
		t.Fatal(err)
	}

	pkgs, err := findResourcePackages(prog)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 || pkgs[0].Name != "aws" || pkgs[0].Version != "v6.1.0" || pkgs[0].Kind != "resource" {
		t.Fatalf("unexpected packages: %v", pkgs)
	}

	deps, err := programDependencies(prog)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range deps {
		got[d.Name] = d.Version
	}
	if !reflect.DeepEqual(got, map[string]string{"@pulumi/aws": "6.1.0", "typescript": "5.9.3"}) {
		t.Fatalf("unexpected dependencies: %v", got)
	}
}

func TestLocateRunModuleMissingSDK(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not available")
	}
	_, err = locateRunModule(context.Background(), node, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), sdkMissingMessage) {
		t.Fatalf("expected the 'SDK not installed' message, got %v", err)
	}
}
