import { describe, expect, it } from 'vitest'
import { javaProblem, javaRange, parseJavaVersion } from '../../../scripts/lib/run/java.js'

describe('parseJavaVersion', () => {
  it.each([
    ['openjdk version "17.0.9" 2023-10-17\nOpenJDK Runtime Environment', { version: '17.0.9', major: 17 }],
    ['java version "1.8.0_392"\nJava(TM) SE Runtime Environment', { version: '1.8.0_392', major: 8 }],
    ['openjdk version "21" 2023-09-19', { version: '21', major: 21 }],
    ['openjdk version "11.0.21-ea" 2023-10-17', { version: '11.0.21-ea', major: 11 }],
    ['Error: could not find libjava.so', undefined],
    ['', undefined],
  ])('%j → %j', (text, want) => expect(parseJavaVersion(text)).toEqual(want))
})

describe('javaRange (what the launcher of NXF_VER accepts)', () => {
  const check = (list: string) => `  if [ $major -eq 0 ]; then\n    version_check="^(1.7|1.8)"\n  else\n    version_check="^(${list})"\n  fi\n`
  it.each([
    ['24.10.6', undefined, { min: 11 }],
    ['24.10.9', check('1.8|9|10|11|12|13|14|15|16|17|18|19|20|21|22|23'), { min: 11, max: 23 }],
    ['25.04.8', check('17|18|19|20|21|22|23|24'), { min: 17, max: 24 }],
    ['25.10.7', '  version_check="^(17|18|19|20|21|22|23|24|25)"\n', { min: 17, max: 25 }],
    ['26.04.0', undefined, { min: 17 }],
  ])('%s → %j', (ver, text, want) => expect(javaRange(ver, text)).toEqual(want))

  it.each([
    [{ version: '17.0.2', major: 17 }, '24.10.6', { min: 11, max: 23 }, undefined],
    [{ version: '1.8.0', major: 8 }, '24.10.6', { min: 11, max: 23 }, 'Java 1.8.0, but Nextflow 24.10.6 needs Java 11 to 23'],
    [{ version: '24', major: 24 }, '24.10.6', { min: 11, max: 23 }, 'Java 24, but Nextflow 24.10.6 needs Java 11 to 23'],
    [{ version: '21', major: 21 }, '25.10.0', { min: 17 }, undefined],
  ])('%j for %s within %j → %s', (found, ver, range, want) => expect(javaProblem(found, ver, range)).toBe(want))
})
