# frozen_string_literal: true

module PeerClient
  # The first few call failures of a run, each one bounded line.
  class ErrorSamples
    MAX_SAMPLES = 5
    MAX_CHARS = 200
    CODE_NAMES = GRPC::Core::StatusCodes.constants.to_h do |name|
      [GRPC::Core::StatusCodes.const_get(name), name.to_s]
    end.freeze

    def initialize
      @samples = []
      @lock = Mutex.new
    end

    def add(sample)
      line = sample.gsub(/[\r\n\t]+/, ' ')
      line = "#{line[0, MAX_CHARS - 3]}..." if line.length > MAX_CHARS
      @lock.synchronize { @samples << line if @samples.size < MAX_SAMPLES }
    end

    def to_a
      @lock.synchronize { @samples.dup }
    end

    # "CODE: details", as gRPC gave them.
    def self.describe(error)
      name = CODE_NAMES.fetch(error.code, "code #{error.code}")
      error.details.to_s.empty? ? name : "#{name}: #{error.details}"
    end
  end
end
