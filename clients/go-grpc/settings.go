package main

import (
	"fmt"
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
// number of bytes; the names are the functions' own.
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

// Settings maps option names of dialOptions to their values; it is also
// the result file's channel_options.
type Settings map[string]int

// SettingsNamed returns the settings for --settings=name.
func SettingsNamed(name string) (Settings, error) {
	s := Settings{"grpc.MaxCallRecvMsgSize": maxReceiveBytes}
	switch name {
	case "default":
	case "recommended":
		// What README recommends for grpc-go, as measured here.
		s["grpc.WithInitialWindowSize"] = 4 << 20
		s["grpc.WithInitialConnWindowSize"] = 16 << 20
		s["grpc.WithReadBufferSize"] = 256 << 10
	default:
		return nil, fmt.Errorf("--settings is %q, not default or recommended", name)
	}
	return s, nil
}

// Override applies "name=bytes" (or "name=default", which removes the
// option) from --grpc_option, for measuring one option at a time.
func (s Settings) Override(assignment string) error {
	name, value, found := strings.Cut(assignment, "=")
	if _, known := dialOptions[name]; !found || !known {
		return fmt.Errorf("--grpc_option %q is not NAME=BYTES with NAME one of %s",
			assignment, strings.Join(optionNames(), ", "))
	}
	if value == "default" {
		delete(s, name)
		return nil
	}
	bytes, err := strconv.Atoi(value)
	if err != nil || bytes < 0 || bytes > 1<<30 {
		return fmt.Errorf("--grpc_option %s: %q is not a number of bytes up to 1 GiB", name, value)
	}
	s[name] = bytes
	return nil
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
