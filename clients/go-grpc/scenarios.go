package main

import (
	"sync"
	"sync/atomic"
	"time"

	pb "imageclient/imageservicepb"
)

// Scenario is one row of the contract's scenario table at one concurrency
// and one stream length.
type Scenario struct {
	Name            string // "list" or "stream"
	Concurrency     int
	ImagesPerStream int           // 0 for list
	ListCalls       int           // calls in all, for list
	MinTime         time.Duration // for stream
}

// Scenarios returns the contract's scenarios in its run order.
func Scenarios(quick bool, minTime time.Duration, listCalls int) []Scenario {
	single := []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}
	multi := []int{1, 10, 100, 1000}
	if quick {
		single = []int{1, 10, 100}
		multi = []int{10, 100}
	}
	out := []Scenario{
		{Name: "list", Concurrency: 1, ListCalls: listCalls},
		{Name: "list", Concurrency: 8, ListCalls: listCalls},
	}
	for _, k := range single {
		out = append(out, Scenario{Name: "stream", Concurrency: 1, ImagesPerStream: k, MinTime: minTime})
	}
	for _, k := range multi {
		out = append(out, Scenario{Name: "stream", Concurrency: 8, ImagesPerStream: k, MinTime: minTime})
	}
	return out
}

// ScenarioResult is one entry of the result file's results.
type ScenarioResult struct {
	Scenario        string   `json:"scenario"`
	RPC             string   `json:"rpc"`
	Concurrency     int      `json:"concurrency"`
	ImagesPerStream int      `json:"images_per_stream"`
	Calls           int64    `json:"calls"`
	Errors          int64    `json:"errors"`
	StartedUnixS    float64  `json:"started_unix_s"`
	EndedUnixS      float64  `json:"ended_unix_s"`
	WallS           float64  `json:"wall_s"`
	Images          int64    `json:"images"`
	Bytes           int64    `json:"bytes"`
	CallsPerS       float64  `json:"calls_per_s"`
	ImagesPerS      float64  `json:"images_per_s"`
	BytesPerS       float64  `json:"bytes_per_s"`
	LatencyUs       *Summary `json:"latency_us"`
	FirstImageUs    *Summary `json:"first_image_us"`
}

// RunScenario runs s with s.Concurrency goroutines sharing client. Stream
// workers each call back to back until s.MinTime has passed, at least once;
// list workers share s.ListCalls calls.
func RunScenario(client pb.ImageServiceClient, s Scenario, names []string,
	samples *ErrorSamples) ScenarioResult {
	call := func() CallResult { return ListCall(client) }
	if s.Name == "stream" {
		requested := StreamNames(names, s.ImagesPerStream)
		call = func() CallResult { return StreamCall(client, requested) }
	}
	var next int64
	more := func(first bool) bool { return atomic.AddInt64(&next, 1) <= int64(s.ListCalls) }
	started := time.Now()
	if s.Name == "stream" {
		deadline := started.Add(s.MinTime)
		more = func(first bool) bool { return first || time.Now().Before(deadline) }
	}

	perWorker := make([][]CallResult, s.Concurrency)
	var wg sync.WaitGroup
	for w := range perWorker {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for first := true; more(first); first = false {
				perWorker[w] = append(perWorker[w], call())
			}
		}(w)
	}
	wg.Wait()
	ended := time.Now()

	result := ScenarioResult{Scenario: s.Name, RPC: "ListImages", Concurrency: s.Concurrency,
		ImagesPerStream: s.ImagesPerStream}
	if s.Name == "stream" {
		result.RPC = "StreamImages"
	}
	result.count(perWorker, samples)
	result.setTimes(started, ended)
	return result
}

// StreamNames returns the first k names of a stream, cycling through names.
func StreamNames(names []string, k int) []string {
	out := make([]string, k)
	for i := range out {
		out[i] = names[i%len(names)]
	}
	return out
}

func (r *ScenarioResult) count(perWorker [][]CallResult, samples *ErrorSamples) {
	var latencies, firstImages []time.Duration
	for _, calls := range perWorker {
		for _, c := range calls {
			r.Calls++
			r.Images += c.Images
			r.Bytes += c.Bytes
			latencies = append(latencies, c.Latency)
			if c.FirstImage >= 0 {
				firstImages = append(firstImages, c.FirstImage)
			}
			if c.Err != nil {
				r.Errors++
				samples.Add(c.Err.Error())
			}
		}
	}
	r.LatencyUs = Summarize(latencies)
	if r.Scenario == "stream" {
		r.FirstImageUs = Summarize(firstImages)
		if r.FirstImageUs == nil {
			// The format needs an object for every stream scenario with
			// calls; when none of them received an image, there is no time
			// to report and zeros say so.
			r.FirstImageUs = &Summary{}
		}
	}
}

func (r *ScenarioResult) setTimes(started, ended time.Time) {
	r.StartedUnixS = UnixSeconds(started)
	r.EndedUnixS = UnixSeconds(ended)
	r.WallS = r.EndedUnixS - r.StartedUnixS
	if r.WallS > 0 {
		r.CallsPerS = float64(r.Calls) / r.WallS
		r.ImagesPerS = float64(r.Images) / r.WallS
		r.BytesPerS = float64(r.Bytes) / r.WallS
	}
}

// UnixSeconds is t as seconds since the Unix epoch.
func UnixSeconds(t time.Time) float64 {
	return float64(t.UnixNano()) / 1e9
}

// ErrorSamples keeps the first few error descriptions of a run, shortened
// to the format's bound; it is safe for concurrent use.
type ErrorSamples struct {
	mu      sync.Mutex
	samples []string
}

const (
	maxErrorSamples = 5
	maxSampleRunes  = 200
)

// Add keeps text when fewer than maxErrorSamples are kept.
func (e *ErrorSamples) Add(text string) {
	runes := []rune(text)
	if len(runes) > maxSampleRunes {
		runes = runes[:maxSampleRunes]
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.samples) < maxErrorSamples {
		e.samples = append(e.samples, string(runes))
	}
}

// List returns the samples kept, never nil.
func (e *ErrorSamples) List() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string{}, e.samples...)
}
