export const handler = (): never => {
  throw new Error('not implemented');
};
