/** What the incremental, sliced and transferred analyses are compared on with the full one. */
import type { FileAnalysis } from '../../server/src/features/validate';

/** Everything a consumer of an analysis reads, except the lazily parsed tree (compared separately where it matters). */
export function projectAnalysis(analysis: FileAnalysis) {
  const decoded = analysis.decoded;
  return {
    relativePath: analysis.relativePath,
    fileClass: analysis.fileClass,
    kayronProblems: analysis.kayronProblems,
    extraProblems: analysis.extraProblems,
    decoded: decoded && {
      problems: decoded.problems,
      entries: decoded.entries,
      unknownKeys: decoded.unknownKeys,
      ignoredDocuments: decoded.ignoredDocuments,
      failed: decoded.failed,
      goccyExtraLines: decoded.goccyExtraLines,
      lineStarts: decoded.lineCounter.lineStarts,
    },
  };
}
