package main

import (
	"fmt"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/grpc"
)

// maxReceiveBytes is the one change from grpc-go's defaults that every
// client of the matrix makes: the default image set holds a 4.7 MB image and
// grpc-go refuses received messages over 4 MiB.
const maxReceiveBytes = 64 << 20

// dialOptions are the grpc-go options a setting may name, each taking a
// number of bytes; the names are the functions' own. gcPercent is the one
// setting outside grpc-go.
var dialOptions = map[string]func(int) grpc.DialOption{
	"grpc.MaxCallRecvMsgSize": func(v int) grpc.DialOption {
		return grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(v))
	},
	"grpc.WithInitialWindowSize": func(v int) grpc.DialOption {
		return grpc.WithInitialWindowSize(int32(v))
	},
	"grpc.WithInitialConnWindowSize": func(v int) grpc.DialOption {
		return grpc.WithInitialConnWindowSize(int32(v))
	},
	"grpc.WithReadBufferSize":  grpc.WithReadBufferSize,
	"grpc.WithWriteBufferSize": grpc.WithWriteBufferSize,
}

const gcPercent = "runtime/debug.SetGCPercent"

// Settings maps option names of dialOptions to their values; it is also
// the result file's channel_options.
type Settings map[string]int

// SettingsNamed returns the settings for --settings=name.
func SettingsNamed(name string) (Settings, error) {
	s := Settings{"grpc.MaxCallRecvMsgSize": maxReceiveBytes}
	switch name {
	case "default":
	case "recommended":
		// What README recommends for grpc-go. Every received image is
		// allocated twice (the message buffer, then its content field), so
		// the garbage collector runs every few megabytes at Go's default of
		// 100; fewer collections cost less CPU per image. Fixed 4 MiB
		// windows (which turn off grpc-go's BDP estimator) and larger read
		// buffers were measured too and did not help.
		s[gcPercent] = 400
	default:
		return nil, fmt.Errorf("--settings is %q, not default or recommended", name)
	}
	return s, nil
}

// Override applies "NAME=N" (or "NAME=default", which removes the
// setting) from --option, for measuring one setting at a time.
func (s Settings) Override(assignment string) error {
	name, value, found := strings.Cut(assignment, "=")
	if _, known := dialOptions[name]; !found || !known && name != gcPercent {
		return fmt.Errorf("--option %q is not NAME=N with NAME one of %s",
			assignment, strings.Join(append(optionNames(), gcPercent), ", "))
	}
	if value == "default" {
		delete(s, name)
		return nil
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 0 || n > 1<<30 {
		return fmt.Errorf("--option %s: %q is not a whole number from 0 to 2^30", name, value)
	}
	s[name] = n
	return nil
}

// ApplyToRuntime makes the settings outside grpc-go take effect.
func (s Settings) ApplyToRuntime() {
	if percent, set := s[gcPercent]; set {
		debug.SetGCPercent(percent)
	}
}

// DialOptions returns the grpc-go options that s names.
func (s Settings) DialOptions() []grpc.DialOption {
	var out []grpc.DialOption
	for _, name := range optionNames() {
		if value, set := s[name]; set {
			out = append(out, dialOptions[name](value))
		}
	}
	return out
}

func optionNames() []string {
	names := make([]string, 0, len(dialOptions))
	for name := range dialOptions {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
