package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "imageclient/imageservicepb"
)

// callTimeout bounds every call, so that a server that stops sending turns
// into a counted DEADLINE_EXCEEDED error rather than a client that never ends.
const callTimeout = 300 * time.Second

// CallResult is what one call did, as the scenario counts it.
type CallResult struct {
	Latency time.Duration
	// FirstImage is the time to the first image; negative when none came.
	FirstImage time.Duration
	Images     int64
	Bytes      int64
	// Err is nil for a call that ended OK and passed every check.
	Err error
}

// ListCall makes one ListImages call.
func ListCall(client pb.ImageServiceClient) CallResult {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	start := time.Now()
	_, err := client.ListImages(ctx, &pb.ListImagesRequest{})
	return CallResult{Latency: time.Since(start), FirstImage: -1, Err: describeStatus(err)}
}

// StreamCall makes one StreamImages call for names and checks every image:
// the requested name in order and as many content bytes as size_in_bytes
// says, and exactly len(names) of them.
func StreamCall(client pb.ImageServiceClient, names []string) CallResult {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	result := CallResult{FirstImage: -1}
	start := time.Now()
	stream, err := client.StreamImages(ctx, &pb.StreamImagesRequest{ImageNames: names})
	if err != nil {
		result.Latency = time.Since(start)
		result.Err = describeStatus(err)
		return result
	}
	var mismatch error
	for {
		response, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			result.Err = describeStatus(err)
			break
		}
		if result.Images == 0 {
			result.FirstImage = time.Since(start)
		}
		if mismatch == nil {
			mismatch = checkImage(response.GetImage(), names, result.Images)
		}
		result.Images++
		result.Bytes += int64(len(response.GetImage().GetContent()))
	}
	result.Latency = time.Since(start)
	if result.Err == nil {
		result.Err = mismatch
	}
	if result.Err == nil && result.Images != int64(len(names)) {
		result.Err = fmt.Errorf("check failed: %d images for %d names requested",
			result.Images, len(names))
	}
	return result
}

// checkImage checks the image at position index of a stream for names.
func checkImage(image *pb.Image, names []string, index int64) error {
	if index >= int64(len(names)) {
		return fmt.Errorf("check failed: image %d of a stream of %d names", index+1, len(names))
	}
	if image.GetName() != names[index] {
		return fmt.Errorf("check failed: image %d is %q, requested %q",
			index+1, image.GetName(), names[index])
	}
	if int64(len(image.GetContent())) != int64(image.GetSizeInBytes()) {
		return fmt.Errorf("check failed: image %q has %d content bytes, size_in_bytes %d",
			image.GetName(), len(image.GetContent()), image.GetSizeInBytes())
	}
	return nil
}

// describeStatus turns a call's error into "CODE: message", with the code's
// canonical name as the server's stream records spell it; nil stays nil.
func describeStatus(err error) error {
	if err == nil {
		return nil
	}
	s := status.Convert(err)
	return fmt.Errorf("%s: %s", codeName(s.Code()), s.Message())
}

// codeName is the code's name in the gRPC spec (grpc-go's String() says
// "ResourceExhausted" where the spec and other stacks say RESOURCE_EXHAUSTED).
func codeName(code codes.Code) string {
	names := [...]string{"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
		"RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
		"UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"}
	if int(code) < len(names) {
		return names[code]
	}
	return fmt.Sprintf("CODE_%d", uint32(code))
}
