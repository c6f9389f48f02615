// Command pulumi-language-nodejs is a small, protocol-compatible stand-in for Pulumi's official Node.js
// language host.
//
// WHY THIS EXISTS: this repository provisions the real Pulumi CLI by building it from the Go module proxy
// (see ../../go.mod and scripts/pulumi-cli.sh). The official language host lives in its own module,
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which the proxy refuses to serve for
// every version and pseudo-version ("This module version is not available"), and which is not part of the
// sdk/v3 module. Without a `pulumi-language-nodejs` binary the CLI cannot run any `runtime: nodejs`
// program, so we implement the LanguageRuntime gRPC service ourselves using only the sdk/v3 module.
//
// WHAT IT DOES: the real work of running a program is done by the project's own `@pulumi/pulumi`
// package (`@pulumi/pulumi/cmd/run`), exactly as with the official host. This binary only
//   - serves gRPC on 127.0.0.1:<kernel-chosen port> and prints the port on stdout (the engine reads it),
//   - turns a RunRequest into a `node .../cmd/run --monitor … --engine … <entry point>` invocation with the
//     PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS / PULUMI_NODEJS_* environment the SDK expects,
//   - maps the program's exit code back into a RunResponse.
//
// Everything that only matters for `pulumi new`, `pulumi convert`, SDK generation or Node.js *plugins*
// (RunPlugin, GenerateProgram, GeneratePackage, Pack, Link, Template, …) is left Unimplemented: this
// project never uses those paths.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// bailExitCode is the exit code `@pulumi/pulumi/cmd/run` uses when it has already printed an actionable
// error message; the engine must then not print another "program failed" error on top of it.
const bailExitCode = 32

// sdkMissingMessage is returned when `@pulumi/pulumi/cmd/run` cannot be resolved from the program directory.
const sdkMissingMessage = "It looks like the Pulumi SDK has not been installed. Have you run npm install?"

func main() {
	tracing := flag.String("tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	runtime := flag.String("runtime", "nodejs", "Use the given JavaScript runtime (only nodejs is supported)")
	showVersion := flag.Bool("version", false, "Print the version and exit")
	// The engine forwards `--logtostderr` and `-v=N` to every plugin when `--logflow` is used; accept them
	// so flag parsing does not fail. This host has no verbose logging of its own.
	defineIfAbsent("logtostderr", func() { flag.Bool("logtostderr", false, "ignored (accepted for compatibility)") })
	defineIfAbsent("v", func() { flag.Int("v", 0, "ignored (accepted for compatibility)") })
	flag.Parse()

	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if *runtime != "nodejs" {
		fatalf("unsupported -runtime %q: this host only supports nodejs", *runtime)
	}
	// The engine passes its own gRPC address as the last positional argument.
	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	host := &languageHost{engineAddress: engineAddress, tracing: *tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fatalf("could not start language host RPC server: %v", err)
	}
	// The engine waits for exactly this line to learn where to connect.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fatalf("language host RPC stopped serving: %v", err)
	}
}

func defineIfAbsent(name string, define func()) {
	if flag.Lookup(name) == nil {
		define()
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "fatal: "+format+"\n", args...)
	os.Exit(1)
}

// languageHost implements pulumirpc.LanguageRuntimeServer. Methods it does not override answer
// codes.Unimplemented through the embedded type.
type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
	rootDir       string // from Handshake; informational (RunRequest.Info carries the same data)
	programDir    string
}

// Handshake is only called when the engine attaches to an already running host (PULUMI_DEBUG_LANGUAGES);
// a launched host gets the engine address as its positional argument instead.
func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
	h.rootDir = req.GetRootDirectory()
	h.programDir = req.GetProgramDirectory()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) getEngineAddress() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPackages reports the resource plugins needed by installed npm packages: every package in the
// nearest node_modules (walking up from the program directory, like Node's resolution) whose package.json
// says `"pulumi": {"resource": true}`. Dynamic providers need no entry here: their plugin,
// pulumi-resource-pulumi-nodejs, is bundled next to the CLI.
func (h *languageHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = h.programDir
	}
	pkgs, err := findResourcePackages(dir)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

// Run executes the program through the project's own `@pulumi/pulumi/cmd/run`.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	spec := runSpecFromRequest(req, h.getEngineAddress(), h.tracing)

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runPath, err := locateRunModule(ctx, nodeBin, spec.ProgramDir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	env, err := buildEnv(os.Environ(), req.GetConfig(), req.GetConfigSecretKeys(), spec.Options)
	if err != nil {
		return nil, err
	}

	cmd := exec.CommandContext(ctx, nodeBin, buildNodeArgs(spec, runPath)...)
	cmd.Dir = spec.ProgramDir
	cmd.Env = env
	// Plain io.Writer wrappers (not *os.File) make os/exec copy the output through pipes, so Wait returns
	// only after everything the program printed has reached the engine, which reads our stdout/stderr.
	cmd.Stdout = plainWriter{os.Stdout}
	cmd.Stderr = plainWriter{os.Stderr}
	// On cancellation (e.g. Ctrl-C in the CLI), ask the program to stop gracefully rather than SIGKILL it,
	// so the Node SDK can flush outstanding resource registrations.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }

	return runResponseFor(cmd.Run()), nil
}

// InstallDependencies runs `npm install` in the program directory, streaming its output to the engine.
func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory()
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("could not find npm on the $PATH (install Node.js with npm): %w", err)
	}
	stream := &installStream{server: server}
	if err := stream.send([]byte("Installing dependencies with npm install...\n"), nil); err != nil {
		return err
	}
	cmd := exec.CommandContext(server.Context(), npm, "install")
	cmd.Dir = dir
	cmd.Stdout = stream.writer(false)
	cmd.Stderr = stream.writer(true)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install failed in %s: %w", dir, err)
	}
	return stream.send([]byte("Finished installing dependencies\n"), nil)
}

// About is shown by `pulumi about`.
func (h *languageHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, nodeBin, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("failed to run %s --version: %w", nodeBin, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
		Metadata:   map[string]string{"host": "pulumi-language-nodejs (built from tools/pulumi-cli)"},
	}, nil
}

// GetProgramDependencies lists the dependencies declared in the nearest package.json, with the installed
// version when it can be found in node_modules (used by `pulumi about`).
func (h *languageHost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	deps, err := programDependencies(dir)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// RuntimeOptionsPrompts: no extra `pulumi new` questions (the official host asks for a package manager).
func (h *languageHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *languageHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// ---------------------------------------------------------------------------------------------------------
// Pure helpers (unit tested in main_test.go).

// runSpec is everything needed to build the node command line, extracted from a RunRequest.
type runSpec struct {
	EngineAddress  string
	MonitorAddress string
	Organization   string
	Project        string
	Stack          string
	RootDir        string
	ProgramDir     string
	EntryPoint     string
	DryRun         bool
	Parallel       int32
	Tracing        string
	Args           []string
	Options        map[string]any // runtime options from Pulumi.yaml (`runtime.options`)
}

func runSpecFromRequest(req *pulumirpc.RunRequest, engineAddress, tracing string) runSpec {
	info := req.GetInfo()
	spec := runSpec{
		EngineAddress:  engineAddress,
		MonitorAddress: req.GetMonitorAddress(),
		Organization:   req.GetOrganization(),
		Project:        req.GetProject(),
		Stack:          req.GetStack(),
		RootDir:        info.GetRootDirectory(),
		ProgramDir:     info.GetProgramDirectory(),
		EntryPoint:     info.GetEntryPoint(),
		DryRun:         req.GetDryRun(),
		Parallel:       req.GetParallel(),
		Tracing:        tracing,
		Args:           req.GetArgs(),
		Options:        info.GetOptions().AsMap(),
	}
	// Older engines did not send ProgramInfo; fall back to the legacy pwd/program fields.
	if spec.ProgramDir == "" {
		spec.ProgramDir = req.GetPwd()
	}
	if spec.EntryPoint == "" {
		spec.EntryPoint = req.GetProgram()
	}
	if spec.EntryPoint == "" {
		spec.EntryPoint = "." // let @pulumi/pulumi/cmd/run use package.json `main`/`exports`
	}
	return spec
}

// buildNodeArgs returns the arguments for `node`, in the order `@pulumi/pulumi/cmd/run` parses them
// (minimist with stopEarly: flags first, then the entry point, then the program's own arguments).
func buildNodeArgs(spec runSpec, runPath string) []string {
	var args []string
	if nodeargs, ok := spec.Options["nodeargs"].(string); ok {
		args = append(args, strings.Fields(nodeargs)...)
	}
	args = append(args, runPath,
		"--monitor", spec.MonitorAddress,
		"--engine", spec.EngineAddress)
	if spec.Organization != "" {
		args = append(args, "--organization", spec.Organization)
	}
	args = append(args, "--project", spec.Project)
	if spec.RootDir != "" {
		args = append(args, "--root-directory", spec.RootDir)
	}
	args = append(args, "--stack", spec.Stack, "--pwd", spec.ProgramDir)
	if spec.DryRun {
		args = append(args, "--dry-run")
	}
	args = append(args, "--parallel", strconv.Itoa(int(spec.Parallel)))
	if spec.Tracing != "" {
		args = append(args, "--tracing", spec.Tracing)
	}
	args = append(args, spec.EntryPoint)
	return append(args, spec.Args...)
}

// buildEnv returns base plus the variables the Node SDK reads at start-up.
func buildEnv(base []string, config map[string]string, secretKeys []string, options map[string]any) ([]string, error) {
	env := append([]string(nil), base...)

	cfg, err := json.Marshal(configForNode(config))
	if err != nil {
		return nil, fmt.Errorf("marshalling config: %w", err)
	}
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("marshalling config secret keys: %w", err)
	}
	env = append(env, "PULUMI_CONFIG="+string(cfg), "PULUMI_CONFIG_SECRET_KEYS="+string(secrets))

	// TypeScript (via ts-node) is on unless the project says `runtime.options.typescript: false`.
	if ts, ok := options["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	return env, nil
}

// configForNode rewrites "ns:key" to "ns:config:key", the historical form the Node SDK still expects in
// PULUMI_CONFIG (it strips ":config:" again when reading).
func configForNode(config map[string]string) map[string]string {
	out := make(map[string]string, len(config))
	for k, v := range config {
		if ns, key, ok := strings.Cut(k, ":"); ok && !strings.HasPrefix(key, "config:") {
			k = ns + ":config:" + key
		}
		out[k] = v
	}
	return out
}

// runResponseFor maps the program's exit status to the engine's RunResponse.
func runResponseFor(err error) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code := exitErr.ExitCode()
		if code == bailExitCode {
			return &pulumirpc.RunResponse{Bail: true}
		}
		if code == -1 { // killed by a signal
			return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: " + exitErr.String()}
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}
	}
	return &pulumirpc.RunResponse{Error: "Problem executing program (could not run language executor): " + err.Error()}
}

// locateRunModule resolves `@pulumi/pulumi/cmd/run` the way the program itself will: from its directory.
func locateRunModule(ctx context.Context, nodeBin, programDir string) (string, error) {
	cmd := exec.CommandContext(ctx, nodeBin, "-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run'))")
	cmd.Dir = programDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s (could not resolve @pulumi/pulumi/cmd/run from %s: %v: %s)",
			sdkMissingMessage, programDir, err, strings.TrimSpace(firstLine(stderr.String())))
	}
	return strings.TrimSpace(string(out)), nil
}

func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) != "" && strings.Contains(line, "Error") {
			return line
		}
	}
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// nearestNodeModules walks up from dir to the first existing node_modules directory.
func nearestNodeModules(dir string) string {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		nm := filepath.Join(d, "node_modules")
		if st, err := os.Stat(nm); err == nil && st.IsDir() {
			return nm
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pkg packageJSON
	if err := json.Unmarshal(data, &pkg); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return &pkg, nil
}

// findResourcePackages scans the top level (and @scope level) of the nearest node_modules.
func findResourcePackages(programDir string) ([]*pulumirpc.PackageDependency, error) {
	nm := nearestNodeModules(programDir)
	if nm == "" {
		return nil, nil
	}
	var dirs []string
	entries, err := os.ReadDir(nm)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "@") {
			scoped, err := os.ReadDir(filepath.Join(nm, e.Name()))
			if err != nil {
				continue
			}
			for _, s := range scoped {
				dirs = append(dirs, filepath.Join(nm, e.Name(), s.Name()))
			}
		} else if !strings.HasPrefix(e.Name(), ".") {
			dirs = append(dirs, filepath.Join(nm, e.Name()))
		}
	}
	var out []*pulumirpc.PackageDependency
	for _, d := range dirs {
		pkg, err := readPackageJSON(filepath.Join(d, "package.json"))
		if err != nil || pkg.Pulumi == nil || !pkg.Pulumi.Resource {
			continue
		}
		name := pkg.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(pkg.Name, "@pulumi/")
		}
		ver := pkg.Pulumi.Version
		if ver == "" {
			ver = pkg.Version
		}
		if !strings.HasPrefix(ver, "v") {
			ver = "v" + ver
		}
		out = append(out, &pulumirpc.PackageDependency{
			Kind: "resource", Name: name, Version: ver, Server: pkg.Pulumi.Server,
		})
	}
	return out, nil
}

func programDependencies(programDir string) ([]*pulumirpc.DependencyInfo, error) {
	var pkg *packageJSON
	for d := filepath.Clean(programDir); ; d = filepath.Dir(d) {
		if p, err := readPackageJSON(filepath.Join(d, "package.json")); err == nil {
			pkg = p
			break
		}
		if filepath.Dir(d) == d {
			return nil, nil
		}
	}
	declared := map[string]string{}
	for k, v := range pkg.DevDependencies {
		declared[k] = v
	}
	for k, v := range pkg.Dependencies {
		declared[k] = v
	}
	nm := nearestNodeModules(programDir)
	names := make([]string, 0, len(declared))
	for k := range declared {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]*pulumirpc.DependencyInfo, 0, len(names))
	for _, name := range names {
		ver := declared[name]
		if nm != "" {
			if installed, err := readPackageJSON(filepath.Join(nm, name, "package.json")); err == nil {
				ver = installed.Version
			}
		}
		out = append(out, &pulumirpc.DependencyInfo{Name: name, Version: ver})
	}
	return out, nil
}

// plainWriter hides the *os.File type of the wrapped writer from os/exec (see Run).
type plainWriter struct{ w io.Writer }

func (p plainWriter) Write(b []byte) (int, error) { return p.w.Write(b) }

// installStream serialises npm's stdout/stderr (copied by two goroutines) onto one gRPC stream.
type installStream struct {
	mu     sync.Mutex
	server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]
}

func (s *installStream) send(stdout, stderr []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: stdout, Stderr: stderr})
}

type installWriter struct {
	s      *installStream
	stderr bool
}

func (w installWriter) Write(b []byte) (int, error) {
	data := append([]byte(nil), b...)
	var err error
	if w.stderr {
		err = w.s.send(nil, data)
	} else {
		err = w.s.send(data, nil)
	}
	if err != nil {
		return 0, err
	}
	return len(b), nil
}

func (s *installStream) writer(stderr bool) io.Writer { return installWriter{s: s, stderr: stderr} }
