package main

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestStreamNamesCycleThroughTheSet(t *testing.T) {
	got := StreamNames([]string{"a", "b", "c"}, 7)
	want := []string{"a", "b", "c", "a", "b", "c", "a"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("StreamNames = %v, want %v", got, want)
	}
}

func TestScenariosFollowTheContractsOrder(t *testing.T) {
	var got []string
	for _, s := range Scenarios(true, time.Second, 50) {
		got = append(got, fmt.Sprintf("%s/%d/%d", s.Name, s.Concurrency, s.ImagesPerStream))
	}
	want := "list/1/0 list/8/0 stream/1/1 stream/1/10 stream/1/100 stream/8/10 stream/8/100"
	if strings.Join(got, " ") != want {
		t.Errorf("quick scenarios %v, want %s", got, want)
	}
	if n := len(Scenarios(false, time.Second, 200)); n != 2+10+4 {
		t.Errorf("%d full scenarios, want 16", n)
	}
}

func TestErrorSamplesKeepFiveOfAtMost200Characters(t *testing.T) {
	var samples ErrorSamples
	long := strings.Repeat("é", 300)
	for i := 0; i < 7; i++ {
		samples.Add(long)
	}
	got := samples.List()
	if len(got) != 5 {
		t.Fatalf("%d samples kept, want 5", len(got))
	}
	if n := utf8.RuneCountInString(got[0]); n != 200 || !utf8.ValidString(got[0]) {
		t.Errorf("sample of %d characters (valid UTF-8: %v), want 200", n, utf8.ValidString(got[0]))
	}
}

func TestErrorSamplesOfNoErrorsIsAnEmptyList(t *testing.T) {
	var samples ErrorSamples
	if got := samples.List(); got == nil || len(got) != 0 {
		t.Errorf("List() = %#v, want an empty, non-nil list", got)
	}
}
