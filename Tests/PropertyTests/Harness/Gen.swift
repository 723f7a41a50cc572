/// A generator: a function of a choice source. Composable with `map`, `flatMap`, `oneOf`,
/// `frequency`, `list` and `tree`-shaped recursion (a generator may call others, with a
/// size that shrinks as it descends). Every choice goes through the source, so every
/// generator shrinks.
struct Gen<Value> {
    let generate: (ChoiceSource) -> Value

    init(_ generate: @escaping (ChoiceSource) -> Value) { self.generate = generate }

    func run(_ source: ChoiceSource) -> Value { generate(source) }

    func map<T>(_ f: @escaping (Value) -> T) -> Gen<T> { Gen<T> { f(self.generate($0)) } }

    func flatMap<T>(_ f: @escaping (Value) -> Gen<T>) -> Gen<T> {
        Gen<T> { source in f(self.generate(source)).generate(source) }
    }

    static func constant(_ value: Value) -> Gen<Value> { Gen { _ in value } }

    /// One of `gens`, the first being the simplest.
    static func oneOf(_ gens: [Gen<Value>]) -> Gen<Value> {
        Gen { source in gens[Int(source.draw(UInt64(gens.count)))].generate(source) }
    }

    /// One of `gens`, each with a weight; the first is what shrinking moves towards.
    static func frequency(_ weighted: [(Int, Gen<Value>)]) -> Gen<Value> {
        let total = weighted.reduce(0) { $0 + $1.0 }
        return Gen { source in
            var pick = Int(source.draw(UInt64(total)))
            for (weight, gen) in weighted {
                if pick < weight { return gen.generate(source) }
                pick -= weight
            }
            return weighted[0].1.generate(source)
        }
    }

    /// Between 0 and `max` values (shrinks towards fewer).
    func list(max: Int) -> Gen<[Value]> {
        Gen<[Value]> { source in
            let count = Int(source.draw(UInt64(max + 1)))
            return (0..<count).map { _ in self.generate(source) }
        }
    }
}

extension Gen where Value == Int {
    /// An integer in `range`, shrinking towards its lower bound.
    static func int(_ range: ClosedRange<Int>) -> Gen<Int> {
        Gen { source in range.lowerBound + Int(source.draw(UInt64(range.count))) }
    }
}

extension Gen where Value == Bool {
    /// True with probability `1/oneIn`; shrinks to false.
    static func chance(_ oneIn: Int) -> Gen<Bool> { Gen { $0.draw(UInt64(oneIn)) == UInt64(oneIn - 1) } }
}

extension Gen {
    /// An element of `items` (shrinks towards the first).
    static func element(_ items: [Value]) -> Gen<Value> {
        Gen { source in items[Int(source.draw(UInt64(items.count)))] }
    }
}
