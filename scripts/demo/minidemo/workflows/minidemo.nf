include { SEQTK_SAMPLE } from '../modules/local/seqtk_sample/main'
include { FASTQC       } from '../modules/nf-core/fastqc/main'
include { MULTIQC      } from '../modules/nf-core/multiqc/main'

workflow MINIDEMO {
    ch_reads = Channel
        .fromPath(params.input)
        .splitCsv(header: true)
        .map { row -> [ [id: row.sample], [ file(row.fastq_1), file(row.fastq_2) ] ] }

    SEQTK_SAMPLE ( ch_reads )
    FASTQC ( SEQTK_SAMPLE.out.reads )
    MULTIQC ( FASTQC.out.zip.collect { it[1] }, file(params.fasta) )
}
