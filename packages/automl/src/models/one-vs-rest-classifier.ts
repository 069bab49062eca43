import { SeededRandom } from '../random/seeded-random.js';
import type { FeatureMatrix } from '../types.js';
import type { BinaryModel } from './binary-model.js';
import type { CandidateName, CandidateSettings } from './candidate-models.js';
import { fitBinaryCandidate, loadBinaryCandidate } from './candidate-models.js';

export interface OneVsRestClassifierJSON {
  candidate: CandidateName;
  classCount: number;
  models: unknown[];
}

/**
 * Probabilities over class indices. Two classes use one binary model for class 1; more classes
 * use one-vs-rest models whose scores are normalised to sum to 1 per row.
 */
export class OneVsRestClassifier {
  private constructor(
    readonly candidate: CandidateName,
    readonly classCount: number,
    private readonly models: readonly BinaryModel[],
  ) {}

  static fit(
    candidate: CandidateName,
    features: FeatureMatrix,
    classIndices: readonly number[],
    classCount: number,
    seed: number,
    settings: CandidateSettings,
  ): OneVsRestClassifier {
    const random = new SeededRandom(seed);
    const targets = classCount === 2 ? [1] : Array.from({ length: classCount }, (_, index) => index);
    const models = targets.map((target) =>
      fitBinaryCandidate(
        candidate,
        features,
        classIndices.map((classIndex) => (classIndex === target ? 1 : 0)),
        random.nextSeed(),
        settings,
      ),
    );
    return new OneVsRestClassifier(candidate, classCount, models);
  }

  predictProba(features: FeatureMatrix): number[][] {
    if (this.classCount === 2) {
      const [model] = this.models;
      return (model as BinaryModel).predictPositive(features).map((positive) => [1 - positive, positive]);
    }
    const perClass = this.models.map((model) => model.predictPositive(features));
    return features.map((_, row) => {
      const scores = perClass.map((column) => column[row] as number);
      const total = scores.reduce((sum, score) => sum + score, 0);
      return total > 0 ? scores.map((score) => score / total) : scores.map(() => 1 / scores.length);
    });
  }

  toJSON(): OneVsRestClassifierJSON {
    return { candidate: this.candidate, classCount: this.classCount, models: this.models.map((model) => model.toJSON()) };
  }

  static fromJSON(json: OneVsRestClassifierJSON): OneVsRestClassifier {
    return new OneVsRestClassifier(
      json.candidate,
      json.classCount,
      json.models.map((model) => loadBinaryCandidate(json.candidate, model)),
    );
  }
}
