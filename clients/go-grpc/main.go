// Command image_client is the go-grpc peer client of the client matrix
// (docs/client-matrix-format.md): it runs the contract's ListImages and
// StreamImages scenarios over one grpc.ClientConn, with goroutines as the
// concurrent workers, and writes the result file.
//
//	image_client --target=127.0.0.1:50051 --settings=default --out=r.json [--quick]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"google.golang.org/grpc"

	pb "imageclient/imageservicepb"
)

const connectTimeout = 5 * time.Second

// Options are the command line of the contract.
type Options struct {
	Target    string
	Settings  string
	Out       string
	Quick     bool
	MinTime   time.Duration
	ListCalls int
	// Overrides are the --option values, in order.
	Overrides []string
}

// repeated is a flag that may be given more than once.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, " ") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// ResultFile is the result file of the contract (schema image-client/1).
type ResultFile struct {
	Schema         string           `json:"schema"`
	Stack          string           `json:"stack"`
	Library        string           `json:"library"`
	Runtime        string           `json:"runtime"`
	Settings       string           `json:"settings"`
	ChannelOptions Settings         `json:"channel_options"`
	Target         string           `json:"target"`
	ImagesInSet    int              `json:"images_in_set"`
	StartedUnixS   float64          `json:"started_unix_s"`
	EndedUnixS     float64          `json:"ended_unix_s"`
	Notes          string           `json:"notes"`
	Errors         int64            `json:"errors"`
	ErrorSamples   []string         `json:"error_samples"`
	Results        []ScenarioResult `json:"results"`
}

func main() {
	options, err := parseOptions(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err == nil {
		err = run(options)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "image_client: %v\n", err)
		os.Exit(1)
	}
}

func parseOptions(args []string) (Options, error) {
	flags := flag.NewFlagSet("image_client", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	var o Options
	flags.StringVar(&o.Target, "target", "127.0.0.1:50051", "host:port of the server, plaintext")
	flags.StringVar(&o.Settings, "settings", "default", "default or recommended")
	flags.StringVar(&o.Out, "out", "", "where to write the result JSON (required)")
	flags.BoolVar(&o.Quick, "quick", false, "the short scenario set, for tests and CI")
	minTime := flags.Float64("min_time_s", 1.0, "seconds each stream scenario repeats its calls, at least once (quick: 0.2)")
	flags.IntVar(&o.ListCalls, "list_calls", 200, "ListImages calls per concurrency level (quick: 50)")
	flags.Var((*repeated)(&o.Overrides), "option",
		"NAME=N or NAME=default, repeatable: sets or removes one setting of --settings, to measure it")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(flags)
			return o, err
		}
		return o, err
	}
	set := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.Quick && !set["min_time_s"] {
		*minTime = 0.2
	}
	if o.Quick && !set["list_calls"] {
		o.ListCalls = 50
	}
	switch {
	case flags.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q (flags are --name=value)", flags.Arg(0))
	case o.Out == "":
		return o, errors.New("--out is required")
	case *minTime < 0 || *minTime > 3600:
		return o, fmt.Errorf("--min_time_s is %g, not between 0 and 3600", *minTime)
	case o.ListCalls < 1:
		return o, fmt.Errorf("--list_calls is %d, not at least 1", o.ListCalls)
	}
	o.MinTime = time.Duration(*minTime * float64(time.Second))
	return o, nil
}

func printUsage(flags *flag.FlagSet) {
	fmt.Println("usage: image_client --out=FILE [--target=HOST:PORT] [--settings=default|recommended] [--quick] ...")
	flags.VisitAll(func(f *flag.Flag) {
		if f.DefValue == "" || f.DefValue == "false" {
			fmt.Printf("  --%-12s %s\n", f.Name, f.Usage)
		} else {
			fmt.Printf("  --%-12s %s (default %s)\n", f.Name, f.Usage, f.DefValue)
		}
	})
}

func run(o Options) error {
	started := time.Now()
	settings, err := SettingsNamed(o.Settings)
	if err != nil {
		return err
	}
	for _, override := range o.Overrides {
		if err := settings.Override(override); err != nil {
			return err
		}
	}
	settings.ApplyToRuntime()
	out, err := os.Create(o.Out)
	if err != nil {
		return fmt.Errorf("cannot write the result file: %v", err)
	}
	written := false
	defer func() {
		if !written {
			out.Close()
			os.Remove(o.Out)
		}
	}()

	conn, err := connect(o.Target, settings)
	if err != nil {
		return err
	}
	defer conn.Close()
	client := pb.NewImageServiceClient(conn)
	names, err := imageNames(client)
	if err != nil {
		return err
	}

	doc := ResultFile{Schema: "image-client/1", Stack: "go-grpc",
		Library: "grpc-go " + grpc.Version, Runtime: runtime.Version(),
		Settings: o.Settings, ChannelOptions: settings, Target: o.Target,
		ImagesInSet: len(names), StartedUnixS: UnixSeconds(started),
		Notes: "workers are goroutines sharing one grpc.ClientConn; grpc-go reads HTTP/2 " +
			"frames of at most 16 KiB and has no option to raise that"}
	samples := &ErrorSamples{}
	for _, s := range Scenarios(o.Quick, o.MinTime, o.ListCalls) {
		r := RunScenario(client, s, names, samples)
		printRow(r)
		doc.Results = append(doc.Results, r)
		doc.Errors += r.Errors
	}
	doc.ErrorSamples = samples.List()
	doc.EndedUnixS = UnixSeconds(time.Now())
	if err := writeResult(out, doc); err != nil {
		return err
	}
	written = true
	return nil
}

func connect(target string, settings Settings) (*grpc.ClientConn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	dial := append([]grpc.DialOption{grpc.WithInsecure(), grpc.WithBlock(),
		grpc.WithReturnConnectionError()},
		settings.DialOptions()...)
	conn, err := grpc.DialContext(ctx, target, dial...)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to %s within %v: %v", target, connectTimeout, err)
	}
	return conn, nil
}

// imageNames returns the server's image names in the order it sends them.
func imageNames(client pb.ImageServiceClient) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	response, err := client.ListImages(ctx, &pb.ListImagesRequest{})
	if err != nil {
		return nil, fmt.Errorf("the first ListImages call failed: %v", describeStatus(err))
	}
	names := response.GetImageNames()
	if len(names) == 0 {
		return nil, errors.New("the server lists no images")
	}
	return names, nil
}

func printRow(r ScenarioResult) {
	fmt.Fprintf(os.Stderr, "%-6s concurrency %d images/stream %4d: %6d calls %5d errors"+
		" %9.1f images/s %6.3f GB/s p50 %.0f us p99 %.0f us\n",
		r.Scenario, r.Concurrency, r.ImagesPerStream, r.Calls, r.Errors,
		r.ImagesPerS, r.BytesPerS/1e9, r.LatencyUs.P50, r.LatencyUs.P99)
}

func writeResult(out *os.File, doc ResultFile) error {
	encoded, err := json.MarshalIndent(doc, "", "  ")
	if err == nil {
		_, err = out.Write(append(encoded, '\n'))
	}
	if err == nil {
		err = out.Close()
	}
	if err != nil {
		return fmt.Errorf("cannot write the result file: %v", err)
	}
	return nil
}
