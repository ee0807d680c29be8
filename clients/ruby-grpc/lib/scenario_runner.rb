# frozen_string_literal: true

module PeerClient
  # Runs one scenario with `concurrency` threads sharing the client's one
  # stub (and so its one channel), each making blocking calls back to back,
  # and sums what they did into the result file's object for that scenario.
  # gRPC's C core releases Ruby's global lock while a thread waits on a call.
  class ScenarioRunner
    def initialize(calls, clock)
      @calls = calls
      @clock = clock
    end

    # `total_calls` ListImages calls, shared by `concurrency` threads.
    def list(concurrency, total_calls)
      left = Queue.new
      total_calls.times { left << true }
      left.close # pop then answers nil once every call is taken
      run('list', 'ListImages', concurrency, 0, 0) do
        done = []
        done << @calls.list while left.pop
        done
      end
    end

    # Streams of `per_stream` images (names cycling through `names`), each
    # thread calling until `min_time_s` has passed, at least once; a call
    # started before then is finished and counted.
    def stream(concurrency, per_stream, names, min_time_s)
      expected = Array.new(per_stream) { |i| names[i % names.size] }.freeze
      request = ImageService::StreamImagesRequest.new(image_names: expected)
      run('stream', 'StreamImages', concurrency, per_stream, min_time_s) do |deadline|
        done = []
        loop do
          done << @calls.stream(request, expected)
          break if @clock.nanos >= deadline
        end
        done
      end
    end

    private

    def run(scenario, rpc, concurrency, per_stream, min_time_s, &worker)
      start = @clock.nanos
      deadline = start + (min_time_s * 1e9).to_i
      threads = Array.new(concurrency) { Thread.new(deadline, &worker) }
      records = threads.flat_map(&:value)
      summary(scenario, rpc, concurrency, per_stream, start, @clock.nanos, records)
    end

    def summary(scenario, rpc, concurrency, per_stream, start, finish, records)
      started_s = @clock.unix_seconds(start)
      ended_s = @clock.unix_seconds(finish)
      wall_s = ended_s - started_s
      images = records.sum(&:images)
      bytes = records.sum(&:bytes)
      rate = ->(count) { wall_s.positive? ? count / wall_s : 0 }
      {
        'scenario' => scenario, 'rpc' => rpc, 'concurrency' => concurrency,
        'images_per_stream' => per_stream, 'calls' => records.size,
        'errors' => records.count(&:failed),
        'started_unix_s' => started_s, 'ended_unix_s' => ended_s, 'wall_s' => wall_s,
        'images' => images, 'bytes' => bytes,
        'calls_per_s' => rate.call(records.size), 'images_per_s' => rate.call(images),
        'bytes_per_s' => rate.call(bytes),
        'latency_us' => LatencySummary.of(records.map(&:latency_us)),
        'first_image_us' => scenario == 'list' ? nil : LatencySummary.of(records.map(&:first_image_us))
      }
    end
  end
end
