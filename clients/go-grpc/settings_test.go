package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefaultSettingsRaiseOnlyTheReceiveLimit(t *testing.T) {
	s, err := SettingsNamed("default")
	if err != nil || !reflect.DeepEqual(s, Settings{"grpc.MaxCallRecvMsgSize": 64 << 20}) {
		t.Errorf("default settings %v (%v), want only the 64 MiB receive limit", s, err)
	}
	if n := len(s.DialOptions()); n != 1 {
		t.Errorf("%d dial options, want 1", n)
	}
}

func TestRecommendedSettingsAddOnlyTheCollectorTarget(t *testing.T) {
	s, err := SettingsNamed("recommended")
	want := Settings{"grpc.MaxCallRecvMsgSize": 64 << 20, "runtime/debug.SetGCPercent": 400}
	if err != nil || !reflect.DeepEqual(s, want) {
		t.Errorf("recommended settings %v (%v), want %v", s, err, want)
	}
	if n := len(s.DialOptions()); n != 1 {
		t.Errorf("%d dial options, want 1 (the GC target is not one)", n)
	}
}

func TestUnknownSettingsAreRefused(t *testing.T) {
	if _, err := SettingsNamed("fast"); err == nil || !strings.Contains(err.Error(), `"fast"`) {
		t.Errorf("SettingsNamed(fast) error %v, want one naming it", err)
	}
}

func TestOverrideSetsAndRemovesOneOption(t *testing.T) {
	s, _ := SettingsNamed("default")
	if err := s.Override("grpc.WithReadBufferSize=262144"); err != nil || s["grpc.WithReadBufferSize"] != 262144 {
		t.Errorf("after override %v (%v)", s, err)
	}
	if err := s.Override("grpc.WithReadBufferSize=default"); err != nil || len(s) != 1 {
		t.Errorf("after removal %v (%v)", s, err)
	}
	if err := s.Override("runtime/debug.SetGCPercent=400"); err != nil || s[gcPercent] != 400 {
		t.Errorf("after GC override %v (%v)", s, err)
	}
	for _, bad := range []string{"grpc.Nothing=1", "grpc.WithReadBufferSize", "grpc.WithReadBufferSize=-1",
		"grpc.WithReadBufferSize=1k"} {
		if err := s.Override(bad); err == nil {
			t.Errorf("Override(%q) accepted", bad)
		}
	}
}
