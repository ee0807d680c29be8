package main

import (
	"errors"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "imageclient/imageservicepb"
)

func TestCheckImageAcceptsTheRequestedImage(t *testing.T) {
	image := &pb.Image{Name: "b.png", Content: []byte("12345"), SizeInBytes: 5}
	if err := checkImage(image, []string{"a.jpg", "b.png"}, 1); err != nil {
		t.Errorf("checkImage: %v", err)
	}
}

func TestCheckImageNamesEachMismatch(t *testing.T) {
	names := []string{"a.jpg", "b.png"}
	for _, c := range []struct {
		image *pb.Image
		index int64
		want  string
	}{
		{&pb.Image{Name: "b.png", Content: []byte("1"), SizeInBytes: 1}, 0, `image 1 is "b.png", requested "a.jpg"`},
		{&pb.Image{Name: "a.jpg", Content: []byte("1"), SizeInBytes: 2}, 0, `"a.jpg" has 1 content bytes, size_in_bytes 2`},
		{&pb.Image{Name: "a.jpg"}, 2, "image 3 of a stream of 2 names"},
	} {
		err := checkImage(c.image, names, c.index)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("checkImage(%v, %d) = %v, want it to say %s", c.image, c.index, err, c.want)
		}
	}
}

func TestDescribeStatusUsesTheSpecsCodeNames(t *testing.T) {
	err := describeStatus(status.Error(codes.ResourceExhausted, "too big"))
	if err == nil || err.Error() != "RESOURCE_EXHAUSTED: too big" {
		t.Errorf("describeStatus = %v", err)
	}
	if err := describeStatus(errors.New("plain")); err == nil || err.Error() != "UNKNOWN: plain" {
		t.Errorf("describeStatus(plain error) = %v", err)
	}
	if describeStatus(nil) != nil {
		t.Error("describeStatus(nil) is not nil")
	}
	if got := codeName(codes.Code(42)); got != "CODE_42" {
		t.Errorf("codeName(42) = %s", got)
	}
}
