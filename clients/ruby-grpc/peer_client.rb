# frozen_string_literal: true

# The ruby-grpc peer client of the client matrix: runs the scenarios of
# docs/client-matrix-format.md over one channel (one generated stub, shared by
# the worker threads) and writes the result file. Started through
# clients/ruby-grpc/run, which puts the code that clients/ruby-grpc/setup
# generated (out/clients/ruby-grpc) on the load path.

require 'json'
require_relative 'lib/client_options'

module PeerClient
  STACK = 'ruby-grpc'
  MAX_CONCURRENCY = 8
  UNAVAILABLE = 3
  MAX_RECEIVE_BYTES = 64 << 20
  # C-core's channel arguments for --settings=recommended: 1 MiB frames, no
  # BDP probing, and a fixed 4 MiB stream window.
  RECOMMENDED_ARGS = {
    'grpc.http2.max_frame_size' => 1_048_576,
    'grpc.http2.bdp_probe' => 0,
    'grpc.http2.lookahead_bytes' => 4_194_304
  }.freeze

  # A reason to stop the whole run, said in one line.
  class FatalError < StandardError; end

  def self.load_stack
    require 'grpc'
    require 'image_service_services_pb'
    %w[clock error_samples image_calls latency_summary scenario_runner].each do |file|
      require_relative "lib/#{file}"
    end
  end

  def self.channel_args(settings)
    args = { 'grpc.max_receive_message_length' => MAX_RECEIVE_BYTES }
    settings == 'recommended' ? args.merge(RECOMMENDED_ARGS) : args
  end

  def self.library
    protobuf = Gem.loaded_specs['google-protobuf']&.version
    "ruby-grpc #{GRPC::VERSION}#{protobuf ? " (google-protobuf #{protobuf})" : ''}"
  end

  def self.runtime
    "#{RUBY_ENGINE == 'ruby' ? 'Ruby' : RUBY_ENGINE} #{RUBY_VERSION}"
  end

  # Loads the stack and the generated code, so that a missing package or a
  # setup never run shows here.
  def self.check
    load_stack
    puts "ok: #{library}, #{runtime}"
    0
  rescue LoadError => e
    missing = e.path || e.message
    fix = if missing.to_s.start_with?('image_service')
            'the generated code; run clients/ruby-grpc/setup'
          else
            'install ruby-grpc and ruby-google-protobuf: run clients/ruby-grpc/setup'
          end
    puts "unavailable: cannot load #{missing} (#{fix})"
    UNAVAILABLE
  end

  def self.image_names(stub, target)
    names = stub.list_images(ImageService::ListImagesRequest.new).image_names.to_a
    raise FatalError, "the server at #{target} holds no images" if names.empty?

    names
  rescue GRPC::BadStatus => e
    raise FatalError, "ListImages at #{target} failed: #{ErrorSamples.describe(e)}"
  end

  def self.run_scenarios(runner, options, names)
    results = [runner.list(1, options.list_calls), runner.list(MAX_CONCURRENCY, options.list_calls)]
    [1, MAX_CONCURRENCY].each do |concurrency|
      options.stream_sizes(concurrency).each do |per_stream|
        results << runner.stream(concurrency, per_stream, names, options.min_time_s)
      end
    end
    results
  end

  def self.check_writable(path)
    dir = File.dirname(File.expand_path(path))
    return if File.directory?(dir) && File.writable?(dir) && (!File.exist?(path) || File.writable?(path))

    raise FatalError, "cannot write #{path} (no such directory, or not writable)"
  end

  def self.run(options)
    check_writable(options.out)
    load_stack
    clock = Clock.new
    started_s = clock.unix_seconds(clock.nanos)
    args = channel_args(options.settings)
    stub = ImageService::ImageService::Stub.new(options.target, :this_channel_is_insecure,
                                                channel_args: args)
    names = image_names(stub, options.target)
    samples = ErrorSamples.new
    runner = ScenarioRunner.new(ImageCalls.new(stub, clock, samples), clock)
    results = run_scenarios(runner, options, names)
    doc = {
      'schema' => 'image-client/1', 'stack' => STACK, 'library' => library,
      'runtime' => runtime, 'settings' => options.settings, 'channel_options' => args,
      'target' => options.target, 'images_in_set' => names.size,
      'started_unix_s' => started_s, 'ended_unix_s' => clock.unix_seconds(clock.nanos),
      'notes' => "generated stub (grpc_ruby_plugin) on one channel, shared by #{MAX_CONCURRENCY} " \
                 'threads; gRPC C core releases the global VM lock while a thread waits',
      'errors' => results.sum { |r| r['errors'] }, 'error_samples' => samples.to_a,
      'results' => results
    }
    write(options.out, doc)
    0
  end

  def self.write(path, doc)
    File.write(path, "#{JSON.pretty_generate(doc)}\n")
  rescue SystemCallError => e
    raise FatalError, "cannot write #{path}: #{e.message}"
  end

  def self.main(argv)
    options = ClientOptions.new(argv)
    return puts(ClientOptions::USAGE) || 0 if options.help?
    return check if options.check?

    Thread.report_on_exception = false
    run(options)
  rescue UsageError => e
    warn "#{STACK}: #{e.message}"
    2
  rescue FatalError => e
    warn "#{STACK}: #{e.message}"
    1
  end
end

exit PeerClient.main(ARGV) if $PROGRAM_NAME == __FILE__
