package main

import (
	"fmt"

	"google.golang.org/grpc"
)

// maxReceiveBytes is the one change from grpc-go's defaults that every
// client of the matrix makes: the default image set holds a 4.7 MB image and
// grpc-go refuses received messages over 4 MiB.
const maxReceiveBytes = 64 << 20

// Settings is the dial options of one --settings value, and the same
// options by name for the result file's channel_options.
type Settings struct {
	DialOptions    []grpc.DialOption
	ChannelOptions map[string]int
}

// SettingsNamed returns the settings for --settings=name.
func SettingsNamed(name string) (Settings, error) {
	s := Settings{ChannelOptions: map[string]int{}}
	s.add("grpc.MaxCallRecvMsgSize", maxReceiveBytes, func(v int) grpc.DialOption {
		return grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(v))
	})
	switch name {
	case "default":
	case "recommended":
		s.addRecommended()
	default:
		return Settings{}, fmt.Errorf("--settings is %q, not default or recommended", name)
	}
	return s, nil
}

// addRecommended adds what README recommends for grpc-go. Fixed windows turn
// off grpc-go's BDP estimator, which otherwise starts each stream at 64 KiB
// and grows it only as its pings come back.
func (s *Settings) addRecommended() {
	s.add("grpc.WithInitialWindowSize", 4<<20, func(v int) grpc.DialOption {
		return grpc.WithInitialWindowSize(int32(v))
	})
	s.add("grpc.WithInitialConnWindowSize", 16<<20, func(v int) grpc.DialOption {
		return grpc.WithInitialConnWindowSize(int32(v))
	})
	s.add("grpc.WithReadBufferSize", 256<<10, grpc.WithReadBufferSize)
}

func (s *Settings) add(name string, value int, option func(int) grpc.DialOption) {
	s.DialOptions = append(s.DialOptions, option(value))
	s.ChannelOptions[name] = value
}
