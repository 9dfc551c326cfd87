// Intrinsic functions (States.Format, States.Array…) for JSONPath-mode states.
export { evaluateIntrinsic } from './evaluate-intrinsic';
export type { IntrinsicEnv, IntrinsicOptions, HashAlgorithm } from './evaluate-intrinsic';
export {
  parseIntrinsic,
  isIntrinsicCall,
  IntrinsicParseError,
  IntrinsicFunctionName,
  INTRINSIC_ARITY,
} from './parse-intrinsic';
export type { IntrinsicCall, IntrinsicArgument } from './parse-intrinsic';
export { toJavaText } from './java-text';
